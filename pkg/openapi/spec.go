package openapi

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/managedfields"
	"k8s.io/kube-openapi/pkg/handler3"
	"k8s.io/kube-openapi/pkg/validation/spec"
)

// Spec holds the OpenAPI definitions and routes of a set of resources. It is
// immutable after New and safe for concurrent use; the served documents
// are rendered on first request and cached.
type Spec struct {
	defs      map[string]*spec.Schema
	routes    []route
	converter managedfields.TypeConverter
	v2        *swaggerCache
	v3        *handler3.OpenAPIService
	// groupVersions maps v3 discovery paths ("apis/apps/v1") to group versions.
	groupVersions map[string]schema.GroupVersion
}

// New builds the definitions of every type registered in scheme for the
// group versions of resources (plus the metav1 types every API uses), the
// REST routes of resources, and the server-side apply type converter. It
// fails if a resource's kind, list kind or subresource kind is not
// registered in scheme, or if the definitions cannot be converted.
func New(scheme *runtime.Scheme, resources []Resource) (*Spec, error) {
	kinds := kindsByType(scheme, servedGroupVersions(resources))
	defs := buildDefinitions(rootTypes(kinds), kinds)
	defOf, err := kindDefinitions(scheme, resources)
	if err != nil {
		return nil, err
	}
	converter, err := managedfields.NewTypeConverter(defs, false)
	if err != nil {
		return nil, fmt.Errorf("build type converter: %w", err)
	}
	s := &Spec{defs: defs, converter: converter, groupVersions: map[string]schema.GroupVersion{}}
	s.routes = buildRoutes(&routeBuilder{defOf: defOf, common: commonDefinitions()}, resources)
	s.v2 = newSwaggerCache(func() *spec.Swagger { return swaggerDocument(s.defs, s.routes) })
	s.v3 = handler3.NewOpenAPIService()
	for _, r := range resources {
		s.addGroupVersion(r.GVK.GroupVersion())
	}
	return s, nil
}

// buildRoutes returns the routes of all resources sorted by path.
func buildRoutes(b *routeBuilder, resources []Resource) []route {
	var out []route
	for _, r := range resources {
		out = append(out, b.routes(r)...)
	}
	slices.SortStableFunc(out, func(a, b route) int { return cmp.Compare(a.path, b.path) })
	return out
}

// Definitions returns the OpenAPI v2 schemas keyed by definition name, with
// references of the form "#/definitions/<name>". Callers must not modify
// them.
func (s *Spec) Definitions() map[string]*spec.Schema {
	return s.defs
}

// TypeConverter returns the structured-merge-diff converter for the served
// kinds, as server-side apply and managed fields need it.
func (s *Spec) TypeConverter() managedfields.TypeConverter {
	return s.converter
}

// ServeHTTP serves GET /openapi/v2 (JSON, or protobuf when asked for),
// /openapi/v3 (the discovery of group versions) and
// /openapi/v3/<api/v1 | apis/GROUP/VERSION> (JSON or protobuf).
func (s *Spec) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	switch p := r.URL.Path; {
	case p == "/openapi/v2":
		s.v2.serve(w, r)
	case p == "/openapi/v3" || p == "/openapi/v3/":
		s.v3.HandleDiscovery(w, r)
	case strings.HasPrefix(p, "/openapi/v3/") && s.knownGroupVersion(strings.TrimPrefix(p, "/openapi/v3/")):
		s.v3.HandleGroupVersion(w, r)
	default:
		http.NotFound(w, r)
	}
}

func (s *Spec) knownGroupVersion(path string) bool {
	_, ok := s.groupVersions[path]
	return ok
}
