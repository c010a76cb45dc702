package validation

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// validateResources checks container resource names and quantities and that
// no request exceeds its limit. Extended resources (example.com/gpu) cannot
// be overcommitted: their request must equal their limit.
func validateResources(r *corev1.ResourceRequirements, p *field.Path) field.ErrorList {
	limPath, reqPath := p.Child("limits"), p.Child("requests")
	var errs field.ErrorList
	for _, name := range sortedKeys(r.Limits) {
		errs = append(errs, validateContainerResource(name, r.Limits[name], limPath.Key(string(name)))...)
	}
	for _, name := range sortedKeys(r.Requests) {
		q, key := r.Requests[name], reqPath.Key(string(name))
		errs = append(errs, validateContainerResource(name, q, key)...)
		limit, hasLimit := r.Limits[name]
		switch {
		case isExtendedResource(name) && !hasLimit:
			errs = append(errs, field.Required(limPath, "Limit must be set for non overcommitable resources"))
		case isExtendedResource(name) && q.Cmp(limit) != 0:
			errs = append(errs, field.Invalid(key, q.String(), fmt.Sprintf("must be equal to %s limit of %s", name, limit.String())))
		case hasLimit && q.Cmp(limit) > 0:
			errs = append(errs, field.Invalid(key, q.String(), fmt.Sprintf("must be less than or equal to %s limit of %s", name, limit.String())))
		}
	}
	return errs
}

func validateContainerResource(name corev1.ResourceName, q resource.Quantity, p *field.Path) field.ErrorList {
	errs := validateResourceName(name, p)
	if !strings.Contains(string(name), "/") && !isStandardContainerResource(name) {
		errs = append(errs, field.Invalid(p, name, "must be a standard resource for containers"))
	}
	return append(errs, validateQuantity(q, p)...)
}

func validateResourceName(name corev1.ResourceName, p *field.Path) field.ErrorList {
	return invalidEach(p, name, isQualifiedName(string(name)))
}

func validateQuantity(q resource.Quantity, p *field.Path) field.ErrorList {
	if q.Sign() < 0 {
		return field.ErrorList{field.Invalid(p, q.String(), "must be greater than or equal to 0")}
	}
	return nil
}

// validateResourceList checks the names and quantities of a quota or limit
// range list.
func validateResourceList(list corev1.ResourceList, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, name := range sortedKeys(list) {
		key := p.Key(string(name))
		errs = append(errs, validateResourceName(name, key)...)
		errs = append(errs, validateQuantity(list[name], key)...)
	}
	return errs
}

func isStandardContainerResource(name corev1.ResourceName) bool {
	switch name {
	case corev1.ResourceCPU, corev1.ResourceMemory, corev1.ResourceEphemeralStorage:
		return true
	}
	return strings.HasPrefix(string(name), corev1.ResourceHugePagesPrefix)
}

// isExtendedResource tells a domain-qualified resource outside kubernetes.io.
func isExtendedResource(name corev1.ResourceName) bool {
	domain, _, found := strings.Cut(string(name), "/")
	if !found || strings.HasPrefix(string(name), corev1.ResourceDefaultNamespacePrefix) {
		return false
	}
	return domain != "kubernetes.io" && !strings.HasSuffix(domain, ".kubernetes.io")
}
