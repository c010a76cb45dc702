package validation

import (
	"fmt"
	"strings"

	autoscalingv1 "k8s.io/api/autoscaling/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	policyv1 "k8s.io/api/policy/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	utilvalidation "k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Priority limits of upstream's scheduling API.
const (
	highestUserDefinablePriority = 1000000000
	systemPriorityClassPrefix    = "system-"
)

// systemPriorityClasses are the built-in classes allowed above the user limit.
var systemPriorityClasses = map[string]int32{
	"system-node-critical":    2000001000,
	"system-cluster-critical": 2000000000,
}

func validateScaleTargetRef(kind, name string, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if kind == "" {
		errs = append(errs, field.Required(p.Child("kind"), ""))
	}
	if name == "" {
		errs = append(errs, field.Required(p.Child("name"), ""))
	} else {
		errs = append(errs, invalidEach(p.Child("name"), name, isDNS1123Subdomain(name))...)
	}
	return errs
}

func validateReplicaBounds(minReplicas *int32, maxReplicas int32) field.ErrorList {
	var errs field.ErrorList
	if minReplicas != nil && *minReplicas < 1 {
		errs = append(errs, field.Invalid(specPath.Child("minReplicas"), *minReplicas, "must be greater than or equal to 1"))
	}
	if maxReplicas < 1 {
		errs = append(errs, field.Invalid(specPath.Child("maxReplicas"), maxReplicas, "must be greater than 0"))
	}
	if minReplicas != nil && maxReplicas < *minReplicas {
		errs = append(errs, field.Invalid(specPath.Child("maxReplicas"), maxReplicas, "must be greater than or equal to `minReplicas`"))
	}
	return errs
}

func validateHPAv1(h *autoscalingv1.HorizontalPodAutoscaler) field.ErrorList {
	s := &h.Spec
	errs := validateScaleTargetRef(s.ScaleTargetRef.Kind, s.ScaleTargetRef.Name, specPath.Child("scaleTargetRef"))
	errs = append(errs, validateReplicaBounds(s.MinReplicas, s.MaxReplicas)...)
	if t := s.TargetCPUUtilizationPercentage; t != nil && *t < 1 {
		errs = append(errs, field.Invalid(specPath.Child("targetCPUUtilizationPercentage"), *t, "must be greater than 0"))
	}
	return errs
}

func validateHPAv2(h *autoscalingv2.HorizontalPodAutoscaler) field.ErrorList {
	s := &h.Spec
	errs := validateScaleTargetRef(s.ScaleTargetRef.Kind, s.ScaleTargetRef.Name, specPath.Child("scaleTargetRef"))
	errs = append(errs, validateReplicaBounds(s.MinReplicas, s.MaxReplicas)...)
	for i := range s.Metrics {
		errs = append(errs, validateMetricSpec(&s.Metrics[i], specPath.Child("metrics").Index(i))...)
	}
	return errs
}

// validateMetricSpec requires the source matching the metric type.
func validateMetricSpec(m *autoscalingv2.MetricSpec, p *field.Path) field.ErrorList {
	sources := map[autoscalingv2.MetricSourceType]bool{
		autoscalingv2.ObjectMetricSourceType:            m.Object != nil,
		autoscalingv2.PodsMetricSourceType:              m.Pods != nil,
		autoscalingv2.ResourceMetricSourceType:          m.Resource != nil,
		autoscalingv2.ContainerResourceMetricSourceType: m.ContainerResource != nil,
		autoscalingv2.ExternalMetricSourceType:          m.External != nil,
	}
	set, known := sources[m.Type]
	if !known {
		return oneOf(m.Type, p.Child("type"), autoscalingv2.ObjectMetricSourceType, autoscalingv2.PodsMetricSourceType,
			autoscalingv2.ResourceMetricSourceType, autoscalingv2.ContainerResourceMetricSourceType, autoscalingv2.ExternalMetricSourceType)
	}
	name := strings.ToLower(string(m.Type[:1])) + string(m.Type[1:])
	if !set {
		return field.ErrorList{field.Required(p.Child(name), "must populate information for the given metric source")}
	}
	if m.Resource != nil && m.Type == autoscalingv2.ResourceMetricSourceType {
		return validateMetricTarget(m.Resource.Target, p.Child("resource", "target"))
	}
	return nil
}

func validateMetricTarget(t autoscalingv2.MetricTarget, p *field.Path) field.ErrorList {
	errs := oneOf(t.Type, p.Child("type"), autoscalingv2.UtilizationMetricType, autoscalingv2.ValueMetricType, autoscalingv2.AverageValueMetricType)
	if t.AverageUtilization != nil && *t.AverageUtilization < 1 {
		errs = append(errs, field.Invalid(p.Child("averageUtilization"), *t.AverageUtilization, "must be greater than 0"))
	}
	return errs
}

func validatePDB(b *policyv1.PodDisruptionBudget) field.ErrorList {
	s := &b.Spec
	var errs field.ErrorList
	if s.MinAvailable != nil && s.MaxUnavailable != nil {
		errs = append(errs, field.Invalid(specPath, s, "minAvailable and maxUnavailable cannot be both set"))
	}
	errs = append(errs, validatePDBValue(s.MinAvailable, specPath.Child("minAvailable"))...)
	errs = append(errs, validatePDBValue(s.MaxUnavailable, specPath.Child("maxUnavailable"))...)
	errs = append(errs, validateSelector(s.Selector, specPath.Child("selector"))...)
	if s.UnhealthyPodEvictionPolicy != nil {
		errs = append(errs, oneOf(*s.UnhealthyPodEvictionPolicy, specPath.Child("unhealthyPodEvictionPolicy"),
			policyv1.IfHealthyBudget, policyv1.AlwaysAllow)...)
	}
	return errs
}

func validatePDBValue(v *intstr.IntOrString, p *field.Path) field.ErrorList {
	if v == nil {
		return nil
	}
	errs := validateIntOrPercent(*v, p)
	if isPercent(*v) && percentValue(*v) > 100 {
		errs = append(errs, field.Invalid(p, v.StrVal, "must not be greater than 100%"))
	}
	return errs
}

func validatePriorityClass(pc *schedulingv1.PriorityClass) field.ErrorList {
	var errs field.ErrorList
	if value, system := systemPriorityClasses[pc.Name]; system {
		if pc.Value != value {
			errs = append(errs, field.Forbidden(field.NewPath("value"), fmt.Sprintf("value of %s must be %d", pc.Name, value)))
		}
	} else {
		if strings.HasPrefix(pc.Name, systemPriorityClassPrefix) {
			errs = append(errs, field.Forbidden(metadataPath.Child("name"), "priority class names with '"+systemPriorityClassPrefix+"' prefix are reserved for system use only"))
		}
		if pc.Value > highestUserDefinablePriority {
			errs = append(errs, field.Forbidden(field.NewPath("value"), fmt.Sprintf("maximum allowed value of a user defined priority is %v", highestUserDefinablePriority)))
		}
	}
	if pc.PreemptionPolicy != nil {
		errs = append(errs, oneOf(*pc.PreemptionPolicy, field.NewPath("preemptionPolicy"), corev1.PreemptLowerPriority, corev1.PreemptNever)...)
	}
	return errs
}

func validatePriorityClassUpdate(pc, old *schedulingv1.PriorityClass) field.ErrorList {
	var errs field.ErrorList
	if pc.Value != old.Value {
		errs = append(errs, field.Forbidden(field.NewPath("value"), "may not be changed in an update."))
	}
	return append(errs, immutable(pc.PreemptionPolicy, old.PreemptionPolicy, field.NewPath("preemptionPolicy"))...)
}

func validateLease(l *coordinationv1.Lease) field.ErrorList {
	errs := positive(l.Spec.LeaseDurationSeconds, specPath.Child("leaseDurationSeconds"))
	return append(errs, nonNegative(l.Spec.LeaseTransitions, specPath.Child("leaseTransitions"))...)
}

const maxEndpointAddresses = 100

func validateEndpointSlice(s *discoveryv1.EndpointSlice) field.ErrorList {
	errs := oneOf(s.AddressType, field.NewPath("addressType"), discoveryv1.AddressTypeIPv4, discoveryv1.AddressTypeIPv6, discoveryv1.AddressTypeFQDN)
	for i := range s.Endpoints {
		errs = append(errs, validateSliceEndpoint(&s.Endpoints[i], s.AddressType, field.NewPath("endpoints").Index(i))...)
	}
	names := map[string]bool{}
	for i, port := range s.Ports {
		idx := field.NewPath("ports").Index(i)
		name := ""
		if port.Name != nil {
			name = *port.Name
		}
		if name != "" {
			errs = append(errs, invalidEach(idx.Child("name"), name, isDNS1123Label(name))...)
		}
		if names[name] {
			errs = append(errs, field.Duplicate(idx.Child("name"), name))
		}
		names[name] = true
		if port.Port != nil {
			errs = append(errs, invalidEach(idx.Child("port"), *port.Port, utilvalidation.IsValidPortNum(int(*port.Port)))...)
		}
		if port.Protocol != nil {
			errs = append(errs, validateProtocol(*port.Protocol, idx.Child("protocol"))...)
		}
	}
	return errs
}

func validateSliceEndpoint(e *discoveryv1.Endpoint, addressType discoveryv1.AddressType, p *field.Path) field.ErrorList {
	ap := p.Child("addresses")
	var errs field.ErrorList
	if len(e.Addresses) == 0 {
		errs = append(errs, field.Required(ap, "must contain at least 1 address"))
	} else if len(e.Addresses) > maxEndpointAddresses {
		errs = append(errs, field.TooMany(ap, len(e.Addresses), maxEndpointAddresses))
	}
	for i, addr := range e.Addresses {
		errs = append(errs, validateSliceAddress(addr, addressType, ap.Index(i))...)
	}
	if e.Hostname != nil {
		errs = append(errs, invalidEach(p.Child("hostname"), *e.Hostname, isDNS1123Label(*e.Hostname))...)
	}
	return errs
}

func validateSliceAddress(addr string, addressType discoveryv1.AddressType, p *field.Path) field.ErrorList {
	switch addressType {
	case discoveryv1.AddressTypeIPv4, discoveryv1.AddressTypeIPv6:
		if errs := utilvalidation.IsValidIP(p, addr); len(errs) > 0 {
			return errs
		}
		isV4 := strings.Contains(addr, ".") && !strings.Contains(addr, ":")
		if isV4 != (addressType == discoveryv1.AddressTypeIPv4) {
			return field.ErrorList{field.Invalid(p, addr, "must be an "+string(addressType)+" address")}
		}
	case discoveryv1.AddressTypeFQDN:
		return invalidEach(p, addr, isDNS1123Subdomain(addr))
	}
	return nil
}
