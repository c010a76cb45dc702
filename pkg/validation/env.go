package validation

import (
	"regexp"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	utilvalidation "k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// envFieldPaths are the pod fields an environment variable may read.
var envFieldPaths = []string{
	"metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName",
	"status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs",
}

// envLabelPath matches metadata.labels['key'] and metadata.annotations['key'].
var envLabelPath = regexp.MustCompile(`^metadata\.(labels|annotations)\['([^']+)'\]$`)

// validateEnv checks variable names (any printable ASCII but '=', as
// upstream since relaxed env var validation) and their sources.
func validateEnv(env []corev1.EnvVar, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, ev := range env {
		idx := p.Index(i)
		if ev.Name == "" {
			errs = append(errs, field.Required(idx.Child("name"), ""))
		} else {
			errs = append(errs, invalidEach(idx.Child("name"), ev.Name, utilvalidation.IsRelaxedEnvVarName(ev.Name))...)
		}
		if ev.ValueFrom != nil {
			errs = append(errs, validateEnvSource(&ev, idx.Child("valueFrom"))...)
		}
	}
	return errs
}

func validateEnvSource(ev *corev1.EnvVar, p *field.Path) field.ErrorList {
	s := ev.ValueFrom
	var errs field.ErrorList
	n := 0
	if s.FieldRef != nil {
		n++
		errs = append(errs, validateEnvFieldRef(s.FieldRef, p.Child("fieldRef"))...)
	}
	if s.ResourceFieldRef != nil {
		n++
		if !strings.HasPrefix(s.ResourceFieldRef.Resource, "limits.") && !strings.HasPrefix(s.ResourceFieldRef.Resource, "requests.") {
			errs = append(errs, field.Invalid(p.Child("resourceFieldRef", "resource"), s.ResourceFieldRef.Resource, "must be a limits.* or requests.* resource"))
		}
	}
	if s.ConfigMapKeyRef != nil {
		n++
		errs = append(errs, validateKeyRef(s.ConfigMapKeyRef.Name, s.ConfigMapKeyRef.Key, p.Child("configMapKeyRef"))...)
	}
	if s.SecretKeyRef != nil {
		n++
		errs = append(errs, validateKeyRef(s.SecretKeyRef.Name, s.SecretKeyRef.Key, p.Child("secretKeyRef"))...)
	}
	if s.FileKeyRef != nil {
		n++
	}
	switch {
	case n == 0:
		errs = append(errs, field.Invalid(p, "", "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef`, `secretKeyRef` or `fileKeyRef`"))
	case n > 1:
		errs = append(errs, field.Invalid(p, "", "may not have more than one field specified at a time"))
	case ev.Value != "":
		errs = append(errs, field.Invalid(p, "", "may not be specified when `value` is not empty"))
	}
	return errs
}

func validateEnvFieldRef(ref *corev1.ObjectFieldSelector, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if ref.APIVersion == "" {
		errs = append(errs, field.Required(p.Child("apiVersion"), ""))
	}
	switch {
	case ref.FieldPath == "":
		errs = append(errs, field.Required(p.Child("fieldPath"), ""))
	case envLabelPath.MatchString(ref.FieldPath):
		key := envLabelPath.FindStringSubmatch(ref.FieldPath)[2]
		errs = append(errs, invalidEach(p.Child("fieldPath"), ref.FieldPath, isQualifiedName(strings.ToLower(key)))...)
	case !slices.Contains(envFieldPaths, ref.FieldPath):
		errs = append(errs, field.NotSupported(p.Child("fieldPath"), ref.FieldPath,
			append([]string{"metadata.annotations", "metadata.labels"}, envFieldPaths...)))
	}
	return errs
}

func validateKeyRef(name, key string, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if name == "" {
		errs = append(errs, field.Required(p.Child("name"), ""))
	}
	if key == "" {
		return append(errs, field.Required(p.Child("key"), ""))
	}
	return append(errs, invalidEach(p.Child("key"), key, utilvalidation.IsConfigMapKey(key))...)
}

func validateEnvFrom(sources []corev1.EnvFromSource, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, s := range sources {
		idx := p.Index(i)
		if s.Prefix != "" {
			errs = append(errs, invalidEach(idx.Child("prefix"), s.Prefix, utilvalidation.IsRelaxedEnvVarName(s.Prefix))...)
		}
		switch {
		case s.ConfigMapRef != nil && s.SecretRef != nil:
			errs = append(errs, field.Invalid(idx, "", "may not have more than one field specified at a time"))
		case s.ConfigMapRef != nil:
			errs = append(errs, dnsSubdomain(s.ConfigMapRef.Name, idx.Child("configMapRef", "name"))...)
		case s.SecretRef != nil:
			errs = append(errs, dnsSubdomain(s.SecretRef.Name, idx.Child("secretRef", "name"))...)
		default:
			errs = append(errs, field.Invalid(idx, "", "must specify one of: `configMapRef` or `secretRef`"))
		}
	}
	return errs
}
