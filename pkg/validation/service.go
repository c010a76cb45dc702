package validation

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	utilvalidation "k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

func validateService(s *corev1.Service) field.ErrorList {
	sp := &s.Spec
	errs := oneOf(sp.Type, specPath.Child("type"), corev1.ServiceTypeClusterIP, corev1.ServiceTypeNodePort,
		corev1.ServiceTypeLoadBalancer, corev1.ServiceTypeExternalName)
	errs = append(errs, validateServiceTypeFields(s)...)
	if len(sp.Ports) == 0 && sp.ClusterIP != corev1.ClusterIPNone && sp.Type != corev1.ServiceTypeExternalName {
		errs = append(errs, field.Required(specPath.Child("ports"), ""))
	}
	errs = append(errs, validateServicePorts(s)...)
	errs = append(errs, metav1validation.ValidateLabels(sp.Selector, specPath.Child("selector"))...)
	errs = append(errs, oneOf(sp.SessionAffinity, specPath.Child("sessionAffinity"),
		corev1.ServiceAffinityClientIP, corev1.ServiceAffinityNone)...)
	errs = append(errs, validateTrafficPolicies(s)...)
	if sp.IPFamilyPolicy != nil {
		errs = append(errs, oneOf(*sp.IPFamilyPolicy, specPath.Child("ipFamilyPolicy"), corev1.IPFamilyPolicySingleStack,
			corev1.IPFamilyPolicyPreferDualStack, corev1.IPFamilyPolicyRequireDualStack)...)
	}
	for i, ip := range sp.ExternalIPs {
		errs = append(errs, utilvalidation.IsValidIP(specPath.Child("externalIPs").Index(i), ip)...)
	}
	return errs
}

// validateServiceTypeFields checks clusterIP and externalName against the
// service type. An empty clusterIP means "allocate one" and is accepted.
func validateServiceTypeFields(s *corev1.Service) field.ErrorList {
	sp := &s.Spec
	ipPath := specPath.Child("clusterIP")
	if sp.Type == corev1.ServiceTypeExternalName {
		var errs field.ErrorList
		if sp.ClusterIP != "" {
			errs = append(errs, field.Forbidden(ipPath, "may not be set for ExternalName services"))
		}
		name := strings.TrimSuffix(sp.ExternalName, ".")
		if name == "" {
			return append(errs, field.Required(specPath.Child("externalName"), ""))
		}
		return append(errs, invalidEach(specPath.Child("externalName"), sp.ExternalName, isDNS1123Subdomain(strings.ToLower(name)))...)
	}
	switch {
	case sp.ClusterIP == corev1.ClusterIPNone && sp.Type != corev1.ServiceTypeClusterIP:
		return field.ErrorList{field.Invalid(ipPath, sp.ClusterIP, fmt.Sprintf("may not be set to 'None' for %s services", sp.Type))}
	case sp.ClusterIP != "" && sp.ClusterIP != corev1.ClusterIPNone:
		errs := utilvalidation.IsValidIP(ipPath, sp.ClusterIP)
		if len(sp.ClusterIPs) > 0 && sp.ClusterIPs[0] != sp.ClusterIP {
			errs = append(errs, field.Invalid(specPath.Child("clusterIPs").Index(0), sp.ClusterIPs[0], "must match `clusterIP` when `clusterIP` is set"))
		}
		return errs
	}
	return nil
}

func validateServicePorts(s *corev1.Service) field.ErrorList {
	var errs field.ErrorList
	names := map[string]bool{}
	nodePorts := map[string]bool{}
	for i := range s.Spec.Ports {
		port, idx := &s.Spec.Ports[i], specPath.Child("ports").Index(i)
		errs = append(errs, validateServicePort(port, len(s.Spec.Ports) > 1, idx)...)
		if names[port.Name] {
			errs = append(errs, field.Duplicate(idx.Child("name"), port.Name))
		}
		names[port.Name] = true
		errs = append(errs, validateNodePort(s, port, idx.Child("nodePort"))...)
		key := fmt.Sprintf("%d/%s", port.NodePort, port.Protocol)
		if port.NodePort != 0 && nodePorts[key] {
			errs = append(errs, field.Duplicate(idx.Child("nodePort"), port.NodePort))
		}
		nodePorts[key] = true
	}
	return errs
}

// validateServicePort checks one port; names are DNS labels, required when
// the service has several ports.
func validateServicePort(port *corev1.ServicePort, named bool, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if port.Name == "" && named {
		errs = append(errs, field.Required(p.Child("name"), ""))
	} else if port.Name != "" {
		errs = append(errs, invalidEach(p.Child("name"), port.Name, isDNS1123Label(port.Name))...)
	}
	errs = append(errs, invalidEach(p.Child("port"), port.Port, utilvalidation.IsValidPortNum(int(port.Port)))...)
	errs = append(errs, validateProtocol(port.Protocol, p.Child("protocol"))...)
	errs = append(errs, validatePortNumOrName(port.TargetPort, p.Child("targetPort"))...)
	if port.AppProtocol != nil {
		errs = append(errs, invalidEach(p.Child("appProtocol"), *port.AppProtocol, isQualifiedName(*port.AppProtocol))...)
	}
	return errs
}

func validateNodePort(s *corev1.Service, port *corev1.ServicePort, p *field.Path) field.ErrorList {
	if port.NodePort == 0 {
		return nil
	}
	if s.Spec.Type != corev1.ServiceTypeNodePort && s.Spec.Type != corev1.ServiceTypeLoadBalancer {
		return field.ErrorList{field.Forbidden(p, fmt.Sprintf("may not be used when `type` is '%s'", s.Spec.Type))}
	}
	return invalidEach(p, port.NodePort, utilvalidation.IsValidPortNum(int(port.NodePort)))
}

func validateTrafficPolicies(s *corev1.Service) field.ErrorList {
	sp := &s.Spec
	var errs field.ErrorList
	etp := specPath.Child("externalTrafficPolicy")
	external := sp.Type == corev1.ServiceTypeNodePort || sp.Type == corev1.ServiceTypeLoadBalancer ||
		(sp.Type == corev1.ServiceTypeClusterIP && len(sp.ExternalIPs) > 0)
	if !external && sp.ExternalTrafficPolicy != "" {
		errs = append(errs, field.Invalid(etp, sp.ExternalTrafficPolicy, "may only be set for externally-accessible services"))
	} else {
		errs = append(errs, optionalOneOf(sp.ExternalTrafficPolicy, etp,
			corev1.ServiceExternalTrafficPolicyCluster, corev1.ServiceExternalTrafficPolicyLocal)...)
	}
	if sp.InternalTrafficPolicy != nil {
		errs = append(errs, oneOf(*sp.InternalTrafficPolicy, specPath.Child("internalTrafficPolicy"),
			corev1.ServiceInternalTrafficPolicyCluster, corev1.ServiceInternalTrafficPolicyLocal)...)
	}
	if sp.HealthCheckNodePort != 0 && !(sp.Type == corev1.ServiceTypeLoadBalancer && sp.ExternalTrafficPolicy == corev1.ServiceExternalTrafficPolicyLocal) {
		errs = append(errs, field.Invalid(specPath.Child("healthCheckNodePort"), sp.HealthCheckNodePort,
			"may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"))
	}
	return errs
}

// validateServiceUpdate keeps an allocated clusterIP, except when the
// service changes to or from ExternalName.
func validateServiceUpdate(s, old *corev1.Service) field.ErrorList {
	if s.Spec.Type == corev1.ServiceTypeExternalName || old.Spec.Type == corev1.ServiceTypeExternalName {
		return nil
	}
	if old.Spec.ClusterIP != "" && s.Spec.ClusterIP != old.Spec.ClusterIP {
		return field.ErrorList{field.Invalid(specPath.Child("clusterIP"), s.Spec.ClusterIP, "field is immutable")}
	}
	return nil
}
