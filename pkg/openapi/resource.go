package openapi

import (
	"strings"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Resource describes one served API resource.
type Resource struct {
	// GVK is the kind stored at the resource, e.g. apps/v1 Deployment. The
	// list kind is GVK.Kind+"List".
	GVK schema.GroupVersionKind
	// Resource is the lower-case plural, e.g. "deployments".
	Resource   string
	Namespaced bool
	// Subresources are the served subresources, e.g. "status", "scale"
	// (autoscaling/v1 Scale), "binding" (core/v1 Binding, create only),
	// "eviction" (policy/v1 Eviction, create only).
	Subresources []string
	// Verbs are the verbs of the main resource, e.g. create delete
	// deletecollection get list patch update watch.
	Verbs []string
}

// gvPath is the discovery path of a group version, without leading slash:
// "api/v1" or "apis/apps/v1".
func gvPath(gv schema.GroupVersion) string {
	if gv.Group == "" {
		return "api/" + gv.Version
	}
	return "apis/" + gv.Group + "/" + gv.Version
}

// gvName is the group version in operation id form: "CoreV1",
// "AppsV1", "RbacAuthorizationV1".
func gvName(gv schema.GroupVersion) string {
	group := strings.TrimSuffix(gv.Group, ".k8s.io")
	if group == "" {
		group = "core"
	}
	var b strings.Builder
	for _, part := range strings.FieldsFunc(group, func(r rune) bool { return r == '.' || r == '-' }) {
		b.WriteString(title(part))
	}
	b.WriteString(title(gv.Version))
	return b.String()
}

// title upper-cases the first letter of s.
func title(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// tag is the operation tag of a group version: "core_v1", "apps_v1".
func tag(gv schema.GroupVersion) string {
	group := strings.TrimSuffix(gv.Group, ".k8s.io")
	if group == "" {
		group = "core"
	}
	return strings.ReplaceAll(group, ".", "_") + "_" + gv.Version
}
