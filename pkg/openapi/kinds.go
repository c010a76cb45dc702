package openapi

import (
	"cmp"
	"fmt"
	"reflect"
	"slices"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// servedGroupVersions lists the group versions of resources and of the kinds
// their subresources serve.
func servedGroupVersions(resources []Resource) map[schema.GroupVersion]bool {
	gvs := map[schema.GroupVersion]bool{}
	for _, r := range resources {
		for _, k := range kindsOf(r) {
			gvs[k.GroupVersion()] = true
		}
	}
	return gvs
}

// kindsByType maps each Go type registered in a served group version to
// the kinds it is registered as there, sorted.
func kindsByType(scheme *runtime.Scheme, served map[schema.GroupVersion]bool) map[reflect.Type][]schema.GroupVersionKind {
	out := map[reflect.Type][]schema.GroupVersionKind{}
	for gvk, t := range scheme.AllKnownTypes() {
		if served[gvk.GroupVersion()] {
			out[t] = append(out[t], gvk)
		}
	}
	for _, kinds := range out {
		slices.SortFunc(kinds, compareGVK)
	}
	return out
}

func compareGVK(a, b schema.GroupVersionKind) int {
	return cmp.Or(cmp.Compare(a.Group, b.Group), cmp.Compare(a.Version, b.Version), cmp.Compare(a.Kind, b.Kind))
}

// rootTypes lists the types to define: every registered type of a served
// group version, and the request and response bodies every API shares.
func rootTypes(kinds map[reflect.Type][]schema.GroupVersionKind) []reflect.Type {
	var registered []reflect.Type
	for t := range kinds {
		if t.Kind() == reflect.Struct {
			registered = append(registered, t)
		}
	}
	// Sort so that the build does not depend on map order.
	slices.SortFunc(registered, func(a, b reflect.Type) int { return cmp.Compare(definitionName(a), definitionName(b)) })
	common := []reflect.Type{
		reflect.TypeFor[metav1.Status](),
		reflect.TypeFor[metav1.DeleteOptions](),
		reflect.TypeFor[metav1.Patch](),
		reflect.TypeFor[metav1.WatchEvent](),
	}
	return append(common, registered...)
}

// kindDefinitions returns the definition name of every kind the routes of
// resources use, or an error naming a kind the scheme does not know.
func kindDefinitions(scheme *runtime.Scheme, resources []Resource) (map[schema.GroupVersionKind]string, error) {
	out := map[schema.GroupVersionKind]string{}
	for _, r := range resources {
		for _, k := range kindsOf(r) {
			obj, err := scheme.New(k)
			if err != nil {
				return nil, fmt.Errorf("resource %s: %w", r.Resource, err)
			}
			out[k] = definitionName(reflect.TypeOf(obj).Elem())
		}
	}
	return out, nil
}

// commonDefinitions names the shared metav1 definitions.
func commonDefinitions() commonDefs {
	return commonDefs{
		status:        definitionName(reflect.TypeFor[metav1.Status]()),
		deleteOptions: definitionName(reflect.TypeFor[metav1.DeleteOptions]()),
		patch:         definitionName(reflect.TypeFor[metav1.Patch]()),
	}
}
