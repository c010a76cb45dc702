package defaults

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
)

// service applies upstream's Service defaults plus the ipFamilyPolicy the
// upstream registry infers on create. Cluster IPs and ipFamilies are left to
// the server's allocator.
func service(s *corev1.Service) {
	sp := &s.Spec
	if sp.SessionAffinity == "" {
		sp.SessionAffinity = corev1.ServiceAffinityNone
	}
	sessionAffinityConfig(sp)
	if sp.Type == "" {
		sp.Type = corev1.ServiceTypeClusterIP
	}
	for i := range sp.Ports {
		p := &sp.Ports[i]
		if p.Protocol == "" {
			p.Protocol = corev1.ProtocolTCP
		}
		if p.TargetPort == intstr.FromInt32(0) || p.TargetPort == intstr.FromString("") {
			p.TargetPort = intstr.FromInt32(p.Port)
		}
	}
	if externallyAccessible(s) && sp.ExternalTrafficPolicy == "" {
		sp.ExternalTrafficPolicy = corev1.ServiceExternalTrafficPolicyCluster
	}
	if sp.InternalTrafficPolicy == nil && sp.Type != corev1.ServiceTypeExternalName {
		sp.InternalTrafficPolicy = ptr.To(corev1.ServiceInternalTrafficPolicyCluster)
	}
	if sp.Type == corev1.ServiceTypeLoadBalancer {
		setBool(&sp.AllocateLoadBalancerNodePorts, true)
	}
	ipFamilyPolicy(sp)
}

func sessionAffinityConfig(sp *corev1.ServiceSpec) {
	switch sp.SessionAffinity {
	case corev1.ServiceAffinityNone:
		sp.SessionAffinityConfig = nil
	case corev1.ServiceAffinityClientIP:
		c := sp.SessionAffinityConfig
		if c == nil || c.ClientIP == nil || c.ClientIP.TimeoutSeconds == nil {
			sp.SessionAffinityConfig = &corev1.SessionAffinityConfig{
				ClientIP: &corev1.ClientIPConfig{TimeoutSeconds: ptr.To(corev1.DefaultClientIPServiceAffinitySeconds)},
			}
		}
	}
}

// ipFamilyPolicy infers the policy as upstream's registry does on create:
// headless services without a selector require dual stack, others are
// single stack, ExternalName services have none.
func ipFamilyPolicy(sp *corev1.ServiceSpec) {
	if sp.IPFamilyPolicy != nil || sp.Type == corev1.ServiceTypeExternalName {
		return
	}
	policy := corev1.IPFamilyPolicySingleStack
	if sp.ClusterIP == corev1.ClusterIPNone && len(sp.Selector) == 0 {
		policy = corev1.IPFamilyPolicyRequireDualStack
	}
	sp.IPFamilyPolicy = &policy
}

func externallyAccessible(s *corev1.Service) bool {
	switch s.Spec.Type {
	case corev1.ServiceTypeLoadBalancer, corev1.ServiceTypeNodePort:
		return true
	case corev1.ServiceTypeClusterIP:
		return len(s.Spec.ExternalIPs) > 0
	}
	return false
}
