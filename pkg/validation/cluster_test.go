package validation

import (
	"testing"

	autoscalingv1 "k8s.io/api/autoscaling/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	policyv1 "k8s.io/api/policy/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
)

func clusterMeta(name string) metav1.ObjectMeta {
	return metav1.ObjectMeta{Name: name, ResourceVersion: "1"}
}

func TestValidateNamespaceAndNode(t *testing.T) {
	ns := func() *corev1.Namespace { return &corev1.Namespace{ObjectMeta: clusterMeta("team-a")} }
	runCreate(t, ns, false, []createCase[*corev1.Namespace]{
		{name: "valid"},
		{name: "finalizer", mutate: func(n *corev1.Namespace) { n.Spec.Finalizers = []corev1.FinalizerName{"a/b/c"} },
			want: []string{"FieldValueInvalid spec.finalizers[0]"}},
	})
	node := func() *corev1.Node { return &corev1.Node{ObjectMeta: clusterMeta("node-1.example")} }
	runCreate(t, node, false, []createCase[*corev1.Node]{
		{name: "valid", mutate: func(n *corev1.Node) { n.Spec.PodCIDR, n.Spec.PodCIDRs = "10.244.1.0/24", []string{"10.244.1.0/24"} }},
		{name: "bad pod cidr", mutate: func(n *corev1.Node) { n.Spec.PodCIDR = "10.244.1.0" },
			want: []string{"FieldValueInvalid spec.podCIDR"}},
		{name: "taints", mutate: func(n *corev1.Node) {
			n.Spec.Taints = []corev1.Taint{{Key: "k", Effect: "NoSchedule"}, {Key: "k", Effect: "NoSchedule"}, {Key: "x", Effect: "Sometimes"}}
		}, want: []string{"FieldValueDuplicate spec.taints[1]", "FieldValueNotSupported spec.taints[2].effect"}},
	})
	runUpdate(t, node, false, []updateCase[*corev1.Node]{
		{name: "set pod cidr", mutate: func(n *corev1.Node) { n.Spec.PodCIDR, n.Spec.PodCIDRs = "10.244.1.0/24", []string{"10.244.1.0/24"} }},
		{name: "change pod cidr", old: func(n *corev1.Node) { n.Spec.PodCIDR, n.Spec.PodCIDRs = "10.244.1.0/24", []string{"10.244.1.0/24"} },
			mutate: func(n *corev1.Node) { n.Spec.PodCIDR, n.Spec.PodCIDRs = "10.244.2.0/24", []string{"10.244.2.0/24"} },
			want:   []string{"FieldValueForbidden spec.podCIDRs"}},
	})
}

func TestValidateLeaseAndEndpoints(t *testing.T) {
	lease := func() *coordinationv1.Lease {
		return &coordinationv1.Lease{ObjectMeta: objectMeta(), Spec: coordinationv1.LeaseSpec{LeaseDurationSeconds: ptr.To(int32(15))}}
	}
	runCreate(t, lease, true, []createCase[*coordinationv1.Lease]{
		{name: "valid"},
		{name: "zero duration", mutate: func(l *coordinationv1.Lease) { l.Spec.LeaseDurationSeconds = ptr.To(int32(0)) },
			want: []string{"FieldValueInvalid spec.leaseDurationSeconds"}},
	})
	ep := func() *corev1.Endpoints {
		return &corev1.Endpoints{ObjectMeta: objectMeta(), Subsets: []corev1.EndpointSubset{{
			Addresses: []corev1.EndpointAddress{{IP: "10.244.0.5"}}, Ports: []corev1.EndpointPort{{Port: 80}}}}}
	}
	runCreate(t, ep, true, []createCase[*corev1.Endpoints]{
		{name: "valid"},
		{name: "bad ip", mutate: func(e *corev1.Endpoints) { e.Subsets[0].NotReadyAddresses = []corev1.EndpointAddress{{IP: "pod-a"}} },
			want: []string{"FieldValueInvalid subsets[0].notReadyAddresses[0].ip"}},
		{name: "bad port", mutate: func(e *corev1.Endpoints) { e.Subsets[0].Ports[0].Port = 0 },
			want: []string{"FieldValueInvalid subsets[0].ports[0].port"}},
	})
	slice := func() *discoveryv1.EndpointSlice {
		return &discoveryv1.EndpointSlice{ObjectMeta: objectMeta(), AddressType: discoveryv1.AddressTypeIPv4,
			Endpoints: []discoveryv1.Endpoint{{Addresses: []string{"10.244.0.5"}}},
			Ports:     []discoveryv1.EndpointPort{{Name: ptr.To("http"), Port: ptr.To(int32(80))}}}
	}
	runCreate(t, slice, true, []createCase[*discoveryv1.EndpointSlice]{
		{name: "valid"},
		{name: "address type", mutate: func(s *discoveryv1.EndpointSlice) { s.AddressType = "IPv5" },
			want: []string{"FieldValueNotSupported addressType"}},
		{name: "ipv6 in ipv4 slice", mutate: func(s *discoveryv1.EndpointSlice) { s.Endpoints[0].Addresses = []string{"fd00::1"} },
			want: []string{"FieldValueInvalid endpoints[0].addresses[0]"}},
		{name: "no addresses", mutate: func(s *discoveryv1.EndpointSlice) { s.Endpoints[0].Addresses = nil },
			want: []string{"FieldValueRequired endpoints[0].addresses"}},
	})
	runUpdate(t, slice, true, []updateCase[*discoveryv1.EndpointSlice]{
		{name: "address type immutable", mutate: func(s *discoveryv1.EndpointSlice) {
			s.AddressType, s.Endpoints[0].Addresses = discoveryv1.AddressTypeIPv6, []string{"fd00::1"}
		}, want: []string{"FieldValueInvalid addressType"}},
	})
}

func TestValidateAutoscalingAndPolicy(t *testing.T) {
	hpa := func() *autoscalingv2.HorizontalPodAutoscaler {
		return &autoscalingv2.HorizontalPodAutoscaler{ObjectMeta: objectMeta(), Spec: autoscalingv2.HorizontalPodAutoscalerSpec{
			ScaleTargetRef: autoscalingv2.CrossVersionObjectReference{Kind: "Deployment", Name: "web", APIVersion: "apps/v1"}, MaxReplicas: 5}}
	}
	runCreate(t, hpa, true, []createCase[*autoscalingv2.HorizontalPodAutoscaler]{
		{name: "valid"},
		{name: "target ref", mutate: func(h *autoscalingv2.HorizontalPodAutoscaler) {
			h.Spec.ScaleTargetRef = autoscalingv2.CrossVersionObjectReference{}
		},
			want: []string{"FieldValueRequired spec.scaleTargetRef.kind", "FieldValueRequired spec.scaleTargetRef.name"}},
		{name: "replica bounds", mutate: func(h *autoscalingv2.HorizontalPodAutoscaler) {
			h.Spec.MinReplicas, h.Spec.MaxReplicas = ptr.To(int32(0)), 0
		},
			want: []string{"FieldValueInvalid spec.minReplicas", "FieldValueInvalid spec.maxReplicas"}},
		{name: "max below min", mutate: func(h *autoscalingv2.HorizontalPodAutoscaler) { h.Spec.MinReplicas = ptr.To(int32(6)) },
			want: []string{"FieldValueInvalid spec.maxReplicas"}},
		{name: "metric source missing", mutate: func(h *autoscalingv2.HorizontalPodAutoscaler) {
			h.Spec.Metrics = []autoscalingv2.MetricSpec{{Type: autoscalingv2.PodsMetricSourceType}}
		}, want: []string{"FieldValueRequired spec.metrics[0].pods"}},
	})
	hpa1 := func() *autoscalingv1.HorizontalPodAutoscaler {
		return &autoscalingv1.HorizontalPodAutoscaler{ObjectMeta: objectMeta(), Spec: autoscalingv1.HorizontalPodAutoscalerSpec{
			ScaleTargetRef: autoscalingv1.CrossVersionObjectReference{Kind: "Deployment", Name: "web"}, MaxReplicas: 3}}
	}
	runCreate(t, hpa1, true, []createCase[*autoscalingv1.HorizontalPodAutoscaler]{
		{name: "valid"},
		{name: "zero min", mutate: func(h *autoscalingv1.HorizontalPodAutoscaler) { h.Spec.MinReplicas = ptr.To(int32(0)) },
			want: []string{"FieldValueInvalid spec.minReplicas"}},
	})
	pdb := func() *policyv1.PodDisruptionBudget {
		return &policyv1.PodDisruptionBudget{ObjectMeta: objectMeta(), Spec: policyv1.PodDisruptionBudgetSpec{
			MinAvailable: ptr.To(intstr.FromString("50%")), Selector: webSelector()}}
	}
	runCreate(t, pdb, true, []createCase[*policyv1.PodDisruptionBudget]{
		{name: "valid"},
		{name: "both set", mutate: func(b *policyv1.PodDisruptionBudget) { b.Spec.MaxUnavailable = ptr.To(intstr.FromInt32(1)) },
			want: []string{"FieldValueInvalid spec"}},
		{name: "negative", mutate: func(b *policyv1.PodDisruptionBudget) { b.Spec.MinAvailable = ptr.To(intstr.FromInt32(-1)) },
			want: []string{"FieldValueInvalid spec.minAvailable"}},
	})
}

func TestValidatePriorityClass(t *testing.T) {
	pc := func() *schedulingv1.PriorityClass {
		return &schedulingv1.PriorityClass{ObjectMeta: clusterMeta("high"), Value: 1000}
	}
	runCreate(t, pc, false, []createCase[*schedulingv1.PriorityClass]{
		{name: "valid"},
		{name: "too high", mutate: func(p *schedulingv1.PriorityClass) { p.Value = 2000000000 },
			want: []string{"FieldValueForbidden value"}},
		{name: "reserved prefix", mutate: func(p *schedulingv1.PriorityClass) { p.Name = "system-mine" },
			want: []string{"FieldValueForbidden metadata.name"}},
		{name: "builtin system class", mutate: func(p *schedulingv1.PriorityClass) { p.Name, p.Value = "system-node-critical", 2000001000 }},
		{name: "preemption policy", mutate: func(p *schedulingv1.PriorityClass) { p.PreemptionPolicy = ptr.To(corev1.PreemptionPolicy("Always")) },
			want: []string{"FieldValueNotSupported preemptionPolicy"}},
	})
	runUpdate(t, pc, false, []updateCase[*schedulingv1.PriorityClass]{
		{name: "description", mutate: func(p *schedulingv1.PriorityClass) { p.Description = "d" }},
		{name: "value immutable", mutate: func(p *schedulingv1.PriorityClass) { p.Value = 5 },
			want: []string{"FieldValueForbidden value"}},
	})
}

func TestValidateQuotaAndLimits(t *testing.T) {
	q := resource.MustParse
	quota := func() *corev1.ResourceQuota {
		return &corev1.ResourceQuota{ObjectMeta: objectMeta(), Spec: corev1.ResourceQuotaSpec{Hard: corev1.ResourceList{"pods": q("10")}}}
	}
	runCreate(t, quota, true, []createCase[*corev1.ResourceQuota]{
		{name: "valid"},
		{name: "negative", mutate: func(r *corev1.ResourceQuota) { r.Spec.Hard["requests.cpu"] = q("-1") },
			want: []string{"FieldValueInvalid spec.hard[requests.cpu]"}},
		{name: "scope", mutate: func(r *corev1.ResourceQuota) { r.Spec.Scopes = []corev1.ResourceQuotaScope{"Cheap"} },
			want: []string{"FieldValueNotSupported spec.scopes[0]"}},
	})
	lr := func() *corev1.LimitRange {
		return &corev1.LimitRange{ObjectMeta: objectMeta(), Spec: corev1.LimitRangeSpec{Limits: []corev1.LimitRangeItem{{
			Type: corev1.LimitTypeContainer, Max: corev1.ResourceList{"cpu": q("2")}, Min: corev1.ResourceList{"cpu": q("100m")}}}}}
	}
	runCreate(t, lr, true, []createCase[*corev1.LimitRange]{
		{name: "valid"},
		{name: "type", mutate: func(l *corev1.LimitRange) { l.Spec.Limits[0].Type = "Node" },
			want: []string{"FieldValueNotSupported spec.limits[0].type"}},
		{name: "min above max", mutate: func(l *corev1.LimitRange) { l.Spec.Limits[0].Min["cpu"] = q("3") },
			want: []string{"FieldValueInvalid spec.limits[0].min[cpu]"}},
	})
}
