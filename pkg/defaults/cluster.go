package defaults

import (
	autoscalingv1 "k8s.io/api/autoscaling/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	storagev1 "k8s.io/api/storage/v1"
	"k8s.io/utils/ptr"
)

func hpaV1(h *autoscalingv1.HorizontalPodAutoscaler) {
	setInt32(&h.Spec.MinReplicas, 1)
}

// hpaV2 defaults minReplicas, the metrics (80% average CPU utilization when
// none are given) and, when a behavior is given, its missing rules.
func hpaV2(h *autoscalingv2.HorizontalPodAutoscaler) {
	setInt32(&h.Spec.MinReplicas, 1)
	if len(h.Spec.Metrics) == 0 {
		h.Spec.Metrics = []autoscalingv2.MetricSpec{{
			Type: autoscalingv2.ResourceMetricSourceType,
			Resource: &autoscalingv2.ResourceMetricSource{
				Name: corev1.ResourceCPU,
				Target: autoscalingv2.MetricTarget{
					Type:               autoscalingv2.UtilizationMetricType,
					AverageUtilization: ptr.To(int32(80)),
				},
			},
		}}
	}
	if b := h.Spec.Behavior; b != nil {
		b.ScaleUp = scalingRules(b.ScaleUp, scaleUpRules())
		b.ScaleDown = scalingRules(b.ScaleDown, scaleDownRules())
	}
}

func scaleUpRules() *autoscalingv2.HPAScalingRules {
	return &autoscalingv2.HPAScalingRules{
		StabilizationWindowSeconds: ptr.To(int32(0)),
		SelectPolicy:               ptr.To(autoscalingv2.MaxChangePolicySelect),
		Policies: []autoscalingv2.HPAScalingPolicy{
			{Type: autoscalingv2.PodsScalingPolicy, Value: 4, PeriodSeconds: 15},
			{Type: autoscalingv2.PercentScalingPolicy, Value: 100, PeriodSeconds: 15},
		},
	}
}

func scaleDownRules() *autoscalingv2.HPAScalingRules {
	return &autoscalingv2.HPAScalingRules{
		StabilizationWindowSeconds: ptr.To(int32(300)),
		SelectPolicy:               ptr.To(autoscalingv2.MaxChangePolicySelect),
		Policies: []autoscalingv2.HPAScalingPolicy{
			{Type: autoscalingv2.PercentScalingPolicy, Value: 100, PeriodSeconds: 15},
		},
	}
}

// scalingRules fills the unset parts of r from def; a nil r becomes def.
func scalingRules(r, def *autoscalingv2.HPAScalingRules) *autoscalingv2.HPAScalingRules {
	if r == nil {
		return def
	}
	if r.StabilizationWindowSeconds == nil {
		r.StabilizationWindowSeconds = def.StabilizationWindowSeconds
	}
	if r.SelectPolicy == nil {
		r.SelectPolicy = def.SelectPolicy
	}
	if len(r.Policies) == 0 {
		r.Policies = def.Policies
	}
	return r
}

func priorityClass(p *schedulingv1.PriorityClass) {
	if p.PreemptionPolicy == nil {
		p.PreemptionPolicy = ptr.To(corev1.PreemptLowerPriority)
	}
}

func endpointSlice(s *discoveryv1.EndpointSlice) {
	for i := range s.Ports {
		p := &s.Ports[i]
		if p.Name == nil {
			p.Name = ptr.To("")
		}
		if p.Protocol == nil {
			p.Protocol = ptr.To(corev1.ProtocolTCP)
		}
	}
}

// networkPolicy defaults port protocols to TCP and policyTypes to Ingress,
// plus Egress when egress rules are given.
func networkPolicy(n *networkingv1.NetworkPolicy) {
	for i := range n.Spec.Ingress {
		policyPorts(n.Spec.Ingress[i].Ports)
	}
	for i := range n.Spec.Egress {
		policyPorts(n.Spec.Egress[i].Ports)
	}
	if len(n.Spec.PolicyTypes) == 0 {
		n.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeIngress}
		if len(n.Spec.Egress) != 0 {
			n.Spec.PolicyTypes = append(n.Spec.PolicyTypes, networkingv1.PolicyTypeEgress)
		}
	}
}

func policyPorts(ports []networkingv1.NetworkPolicyPort) {
	for i := range ports {
		if ports[i].Protocol == nil {
			ports[i].Protocol = ptr.To(corev1.ProtocolTCP)
		}
	}
}

// subjects defaults the apiGroup of User and Group subjects to the RBAC group.
func subjects(s []rbacv1.Subject) {
	for i := range s {
		if s[i].APIGroup == "" && (s[i].Kind == rbacv1.UserKind || s[i].Kind == rbacv1.GroupKind) {
			s[i].APIGroup = rbacv1.GroupName
		}
	}
}

func storageClass(s *storagev1.StorageClass) {
	if s.ReclaimPolicy == nil {
		s.ReclaimPolicy = ptr.To(corev1.PersistentVolumeReclaimDelete)
	}
	if s.VolumeBindingMode == nil {
		s.VolumeBindingMode = ptr.To(storagev1.VolumeBindingImmediate)
	}
}
