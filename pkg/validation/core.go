package validation

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	utilvalidation "k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

func validateNamespace(n *corev1.Namespace) field.ErrorList {
	var errs field.ErrorList
	for i, f := range n.Spec.Finalizers {
		errs = append(errs, invalidEach(specPath.Child("finalizers").Index(i), f, isQualifiedName(string(f)))...)
	}
	return errs
}

func validateNode(n *corev1.Node) field.ErrorList {
	var errs field.ErrorList
	if n.Spec.PodCIDR != "" {
		errs = append(errs, utilvalidation.IsValidCIDR(specPath.Child("podCIDR"), n.Spec.PodCIDR)...)
	}
	if len(n.Spec.PodCIDRs) > 2 {
		errs = append(errs, field.Invalid(specPath.Child("podCIDRs"), n.Spec.PodCIDRs, "may specify no more than one CIDR for each IP family"))
	}
	for i, cidr := range n.Spec.PodCIDRs {
		errs = append(errs, utilvalidation.IsValidCIDR(specPath.Child("podCIDRs").Index(i), cidr)...)
	}
	if n.Spec.PodCIDR != "" && len(n.Spec.PodCIDRs) > 0 && n.Spec.PodCIDRs[0] != n.Spec.PodCIDR {
		errs = append(errs, field.Invalid(specPath.Child("podCIDRs").Index(0), n.Spec.PodCIDRs[0], "must match `podCIDR`"))
	}
	return append(errs, validateTaints(n.Spec.Taints, specPath.Child("taints"))...)
}

func validateTaints(taints []corev1.Taint, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	seen := map[string]bool{}
	for i, t := range taints {
		idx := p.Index(i)
		if t.Key == "" {
			errs = append(errs, field.Required(idx.Child("key"), ""))
		} else {
			errs = append(errs, invalidEach(idx.Child("key"), t.Key, isQualifiedName(t.Key))...)
		}
		errs = append(errs, invalidEach(idx.Child("value"), t.Value, isLabelValue(t.Value))...)
		errs = append(errs, oneOf(t.Effect, idx.Child("effect"), taintEffects...)...)
		key := t.Key + ":" + string(t.Effect)
		if seen[key] {
			errs = append(errs, field.Duplicate(idx, fmt.Sprintf("taint key %q and effect %q", t.Key, t.Effect)))
		}
		seen[key] = true
	}
	return errs
}

// validateNodeUpdate lets podCIDR(s) and providerID be set once.
func validateNodeUpdate(n, old *corev1.Node) field.ErrorList {
	var errs field.ErrorList
	if len(old.Spec.PodCIDRs) > 0 && !equalSemantic(n.Spec.PodCIDRs, old.Spec.PodCIDRs) {
		errs = append(errs, field.Forbidden(specPath.Child("podCIDRs"), "node updates may not change podCIDR except from \"\" to valid"))
	}
	if old.Spec.ProviderID != "" && n.Spec.ProviderID != old.Spec.ProviderID {
		errs = append(errs, field.Forbidden(specPath.Child("providerID"), "node updates may not change providerID except from \"\" to valid"))
	}
	return errs
}

func validateEndpoints(e *corev1.Endpoints) field.ErrorList {
	var errs field.ErrorList
	for i := range e.Subsets {
		ss, p := &e.Subsets[i], field.NewPath("subsets").Index(i)
		for j, a := range ss.Addresses {
			errs = append(errs, validateEndpointAddress(a, p.Child("addresses").Index(j))...)
		}
		for j, a := range ss.NotReadyAddresses {
			errs = append(errs, validateEndpointAddress(a, p.Child("notReadyAddresses").Index(j))...)
		}
		for j, port := range ss.Ports {
			idx := p.Child("ports").Index(j)
			if port.Name == "" && len(ss.Ports) > 1 {
				errs = append(errs, field.Required(idx.Child("name"), ""))
			} else if port.Name != "" {
				errs = append(errs, invalidEach(idx.Child("name"), port.Name, isDNS1123Label(port.Name))...)
			}
			errs = append(errs, invalidEach(idx.Child("port"), port.Port, utilvalidation.IsValidPortNum(int(port.Port)))...)
			errs = append(errs, validateProtocol(port.Protocol, idx.Child("protocol"))...)
		}
	}
	return errs
}

func validateEndpointAddress(a corev1.EndpointAddress, p *field.Path) field.ErrorList {
	errs := utilvalidation.IsValidIP(p.Child("ip"), a.IP)
	if a.Hostname != "" {
		errs = append(errs, invalidEach(p.Child("hostname"), a.Hostname, isDNS1123Label(a.Hostname))...)
	}
	if a.NodeName != nil {
		errs = append(errs, invalidEach(p.Child("nodeName"), *a.NodeName, isDNS1123Subdomain(*a.NodeName))...)
	}
	return errs
}

func validateLimitRange(l *corev1.LimitRange) field.ErrorList {
	var errs field.ErrorList
	for i := range l.Spec.Limits {
		item, p := &l.Spec.Limits[i], specPath.Child("limits").Index(i)
		errs = append(errs, oneOf(item.Type, p.Child("type"), corev1.LimitTypePod, corev1.LimitTypeContainer, corev1.LimitTypePersistentVolumeClaim)...)
		errs = append(errs, validateResourceList(item.Max, p.Child("max"))...)
		errs = append(errs, validateResourceList(item.Min, p.Child("min"))...)
		errs = append(errs, validateResourceList(item.Default, p.Child("default"))...)
		errs = append(errs, validateResourceList(item.DefaultRequest, p.Child("defaultRequest"))...)
		errs = append(errs, validateResourceList(item.MaxLimitRequestRatio, p.Child("maxLimitRequestRatio"))...)
		for _, name := range sortedKeys(item.Min) {
			lo := item.Min[name]
			if hi, ok := item.Max[name]; ok && lo.Cmp(hi) > 0 {
				errs = append(errs, field.Invalid(p.Child("min").Key(string(name)), lo.String(),
					fmt.Sprintf("min value %s is greater than max value %s", lo.String(), hi.String())))
			}
		}
	}
	return errs
}

func validateResourceQuota(q *corev1.ResourceQuota) field.ErrorList {
	errs := validateResourceList(q.Spec.Hard, specPath.Child("hard"))
	for i, scope := range q.Spec.Scopes {
		errs = append(errs, oneOf(scope, specPath.Child("scopes").Index(i), corev1.ResourceQuotaScopeTerminating,
			corev1.ResourceQuotaScopeNotTerminating, corev1.ResourceQuotaScopeBestEffort, corev1.ResourceQuotaScopeNotBestEffort,
			corev1.ResourceQuotaScopePriorityClass, corev1.ResourceQuotaScopeCrossNamespacePodAffinity,
			corev1.ResourceQuotaScopeVolumeAttributesClass)...)
	}
	return errs
}
