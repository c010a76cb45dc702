package validation

import (
	"strings"

	corev1 "k8s.io/api/core/v1"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/api/validation/path"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// nameRule returns the metadata.name format of obj's type: a DNS-1123 label
// for namespaces, a DNS-1035 label for services, a DNS-1123 subdomain for the
// other built-in types, except RBAC objects and types Skiff does not know,
// whose names only have to be valid path segments.
func nameRule(obj runtime.Object) apivalidation.ValidateNameFunc {
	switch obj.(type) {
	case *corev1.Namespace:
		return apivalidation.ValidateNamespaceName
	case *corev1.Service:
		return apivalidation.NameIsDNS1035Label
	}
	pkg := typePackage(obj)
	if !strings.HasPrefix(pkg, "k8s.io/api/") || strings.HasPrefix(pkg, "k8s.io/api/rbac/") {
		return path.ValidatePathSegmentName
	}
	return apivalidation.NameIsDNSSubdomain
}

// typePackage returns the import path of the package declaring obj's type.
func typePackage(obj runtime.Object) string {
	t := reflectType(obj)
	return t.PkgPath()
}

// invalidEach turns the messages of a format check into Invalid errors.
func invalidEach(p *field.Path, value any, msgs []string) field.ErrorList {
	var errs field.ErrorList
	for _, msg := range msgs {
		errs = append(errs, field.Invalid(p, value, msg))
	}
	return errs
}

// dnsLabel reports value as Required when empty and Invalid when it is not a
// DNS-1123 label.
func dnsLabel(value string, p *field.Path) field.ErrorList {
	if value == "" {
		return field.ErrorList{field.Required(p, "")}
	}
	return invalidEach(p, value, isDNS1123Label(value))
}

// dnsSubdomain is dnsLabel for DNS-1123 subdomains.
func dnsSubdomain(value string, p *field.Path) field.ErrorList {
	if value == "" {
		return field.ErrorList{field.Required(p, "")}
	}
	return invalidEach(p, value, isDNS1123Subdomain(value))
}
