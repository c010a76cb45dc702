package openapi

import (
	"reflect"
	"strings"
)

// definitionName returns the upstream OpenAPI definition name of a named Go
// type: the package path with its leading domain reversed, then the type
// name, all joined by dots. "k8s.io/api/core/v1".Pod becomes
// "io.k8s.api.core.v1.Pod".
func definitionName(t reflect.Type) string {
	parts := strings.Split(t.PkgPath(), "/")
	domain := strings.Split(parts[0], ".")
	for i, j := 0, len(domain)-1; i < j; i, j = i+1, j-1 {
		domain[i], domain[j] = domain[j], domain[i]
	}
	parts[0] = strings.Join(domain, ".")
	return strings.Join(parts, ".") + "." + t.Name()
}

// definitionRef is the v2 JSON reference of a definition.
func definitionRef(name string) string {
	return "#/definitions/" + name
}

// refName returns the definition name a JSON reference points to: its last
// path element.
func refName(ref string) string {
	return ref[strings.LastIndex(ref, "/")+1:]
}
