package openapi

import (
	"reflect"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/kube-openapi/pkg/validation/spec"
)

// Vendor extensions read by kubectl (strategic merge patch, explain) and
// structured-merge-diff (server-side apply).
const (
	extGVK           = "x-kubernetes-group-version-kind"
	extAction        = "x-kubernetes-action"
	extPatchStrategy = "x-kubernetes-patch-strategy"
	extPatchMergeKey = "x-kubernetes-patch-merge-key"
	extListType      = "x-kubernetes-list-type"
	extListMapKeys   = "x-kubernetes-list-map-keys"
	extMapType       = "x-kubernetes-map-type"
)

func setExtension(s *spec.Schema, key string, value any) {
	if s.Extensions == nil {
		s.Extensions = spec.Extensions{}
	}
	s.Extensions[key] = value
}

// setKindExtension lists the kinds a definition is served as. The value is
// built from plain maps and slices because managedfields type-asserts it.
func setKindExtension(s *spec.Schema, kinds []schema.GroupVersionKind) {
	if len(kinds) == 0 {
		return
	}
	list := make([]any, 0, len(kinds))
	for _, k := range kinds {
		list = append(list, gvkValue(k))
	}
	setExtension(s, extGVK, list)
}

// gvkValue is the JSON object form of a group-version-kind.
func gvkValue(k schema.GroupVersionKind) map[string]any {
	return map[string]any{"group": k.Group, "version": k.Version, "kind": k.Kind}
}

// addFieldExtensions copies the patchStrategy and patchMergeKey tags of
// field f, identified as "<definition>.<json name>" by id, onto its schema and derives the list type from
// them: merge lists with a key are maps keyed by it, merge lists of scalars
// are sets, and the rest stay atomic (the default, left implicit). The
// override tables win where upstream declares otherwise.
func (b *defBuilder) addFieldExtensions(prop *spec.Schema, id string, f reflect.StructField) {
	strategy, key := f.Tag.Get("patchStrategy"), f.Tag.Get("patchMergeKey")
	if strategy != "" {
		setExtension(prop, extPatchStrategy, strategy)
	}
	if key != "" {
		setExtension(prop, extPatchMergeKey, key)
	}
	if mt, ok := b.mapTypes[id]; ok {
		setExtension(prop, extMapType, mt)
	}
	if prop.Items == nil || prop.Items.Schema == nil {
		return
	}
	if t, ok := b.lists[id]; ok {
		b.setListType(prop, t.listType, t.keys)
		return
	}
	if !slices.Contains(strings.Split(strategy, ","), "merge") {
		return
	}
	items := prop.Items.Schema
	switch {
	case key != "" && items.Ref.String() != "":
		b.setListType(prop, "map", []string{key})
	case items.Ref.String() == "" && !items.Type.Contains("object"):
		b.setListType(prop, "set", nil)
	}
}

// setListType records the list type of prop and, for maps, requires the key
// fields of the item definition.
func (b *defBuilder) setListType(prop *spec.Schema, listType string, keys []string) {
	setExtension(prop, extListType, listType)
	if listType != "map" {
		return
	}
	list := make([]any, 0, len(keys))
	for _, k := range keys {
		list = append(list, k)
	}
	setExtension(prop, extListMapKeys, list)
	item := refName(prop.Items.Schema.Ref.String())
	b.keys[item] = append(b.keys[item], keys...)
}
