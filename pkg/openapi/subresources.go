package openapi

import (
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// subresource is what a known subresource serves.
type subresource struct {
	// kind is the kind read and written at the subresource.
	kind schema.GroupVersionKind
	// verbs are get, update, patch, create, log or connect.
	verbs []string
	// needsDef tells whether kind is a request or response body.
	needsDef bool
}

// connectOptions names the options kinds of streaming subresources.
func connectOptions(name string) (string, bool) {
	switch name {
	case "exec":
		return "ExecOptions", true
	case "attach":
		return "AttachOptions", true
	case "portforward":
		return "PortForwardOptions", true
	case "proxy":
		return "ProxyOptions", true
	}
	return "", false
}

// subresourceOf describes subresource name of a resource of kind parent; it
// reports false for subresources it does not know.
func subresourceOf(parent schema.GroupVersionKind, name string) (subresource, bool) {
	rw := []string{"get", "update", "patch"}
	switch name {
	case "status", "ephemeralcontainers", "resize", "approval":
		return subresource{kind: parent, verbs: rw, needsDef: true}, true
	case "finalize":
		return subresource{kind: parent, verbs: []string{"update"}, needsDef: true}, true
	case "scale":
		return subresource{kind: schema.GroupVersionKind{Group: "autoscaling", Version: "v1", Kind: "Scale"}, verbs: rw, needsDef: true}, true
	case "binding":
		return created(schema.GroupVersionKind{Version: "v1", Kind: "Binding"}), true
	case "eviction":
		return created(schema.GroupVersionKind{Group: "policy", Version: "v1", Kind: "Eviction"}), true
	case "token":
		return created(schema.GroupVersionKind{Group: "authentication.k8s.io", Version: "v1", Kind: "TokenRequest"}), true
	case "log":
		return subresource{kind: parent, verbs: []string{"log"}}, true
	}
	if suffix, ok := connectOptions(name); ok {
		kind := parent.GroupVersion().WithKind(parent.Kind + suffix)
		return subresource{kind: kind, verbs: []string{"connect"}}, true
	}
	return subresource{}, false
}

func created(kind schema.GroupVersionKind) subresource {
	return subresource{kind: kind, verbs: []string{"create"}, needsDef: true}
}

// kindsOf lists the kinds whose definitions the routes of r use.
func kindsOf(r Resource) []schema.GroupVersionKind {
	kinds := []schema.GroupVersionKind{r.GVK, r.GVK.GroupVersion().WithKind(r.GVK.Kind + "List")}
	for _, name := range r.Subresources {
		if sub, ok := subresourceOf(r.GVK, name); ok && sub.needsDef {
			kinds = append(kinds, sub.kind)
		}
	}
	return kinds
}
