package openapi

import (
	"reflect"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/kube-openapi/pkg/validation/spec"
)

// defBuilder turns Go types into OpenAPI v2 definitions, following their
// json tags the way encoding/json does.
type defBuilder struct {
	defs map[string]*spec.Schema
	// kinds lists the group-version-kinds each Go type is registered as.
	kinds map[reflect.Type][]schema.GroupVersionKind
	// keys lists, per definition, the fields used as list-map keys by some
	// list of it: they are marked required once every type is built.
	keys map[string][]string
	// visiting guards recursion through named non-struct types.
	visiting map[reflect.Type]bool
	// lists and atomic hold what Go struct tags cannot tell (see overrides.go).
	lists    map[string]listType
	mapTypes map[string]string
	atomic   map[string]bool
	defaults map[string]any
}

// buildDefinitions returns the definitions of roots and of every type they
// reference, keyed by definition name.
func buildDefinitions(roots []reflect.Type, kinds map[reflect.Type][]schema.GroupVersionKind) map[string]*spec.Schema {
	b := &defBuilder{
		defs:     map[string]*spec.Schema{},
		kinds:    kinds,
		keys:     map[string][]string{},
		visiting: map[reflect.Type]bool{},
		lists:    listTypeOverrides(),
		mapTypes: fieldMapTypes(),
		atomic:   atomicStructs(),
		defaults: fieldDefaults(),
	}
	for _, t := range roots {
		b.add(t)
	}
	b.requireKeys()
	return b.defs
}

// add builds the definition of struct type t once and returns its name.
func (b *defBuilder) add(t reflect.Type) string {
	name := definitionName(t)
	if _, ok := b.defs[name]; ok {
		return name
	}
	s := &spec.Schema{}
	b.defs[name] = s // placeholder: types may refer to themselves
	*s = b.structSchema(t)
	setKindExtension(s, b.kinds[t])
	return name
}

// ref returns a schema referring to the definition of struct type t.
func (b *defBuilder) ref(t reflect.Type) spec.Schema {
	return spec.Schema{SchemaProps: spec.SchemaProps{Ref: spec.MustCreateRef(definitionRef(b.add(t)))}}
}

// structSchema is the definition of struct type t.
func (b *defBuilder) structSchema(t reflect.Type) spec.Schema {
	doc := swaggerDoc(t)[""]
	if s, ok := customSchema(t); ok {
		s.Description = doc
		return s
	}
	s := spec.Schema{SchemaProps: spec.SchemaProps{
		Type:        spec.StringOrArray{"object"},
		Description: doc,
		Properties:  map[string]spec.Schema{},
	}}
	b.addFields(&s, definitionName(t), t)
	if b.atomic[definitionName(t)] {
		setExtension(&s, extMapType, "atomic")
	}
	return s
}

// addFields adds the json-visible fields of struct t to s, the schema of
// definition def, descending into inlined embedded structs.
func (b *defBuilder) addFields(s *spec.Schema, def string, t reflect.Type) {
	docs := swaggerDoc(t)
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, skip := jsonName(f)
		if skip {
			continue
		}
		if name == "" && f.Anonymous && deref(f.Type).Kind() == reflect.Struct {
			b.addFields(s, def, deref(f.Type))
			continue
		}
		if name == "" {
			name = f.Name
		}
		prop := b.fieldSchema(f.Type)
		prop.Description = docs[name]
		id := def + "." + name
		b.addFieldExtensions(&prop, id, f)
		always := required(f, opts)
		if always {
			s.Required = append(s.Required, name)
		}
		prop.Default = b.defaultOf(id, f.Type, always)
		s.Properties[name] = prop
	}
}

// jsonName returns the json name and options of a struct field, and whether
// encoding/json ignores the field.
func jsonName(f reflect.StructField) (name, opts string, skip bool) {
	tag := f.Tag.Get("json")
	if tag == "-" {
		return "", "", true
	}
	name, opts, _ = strings.Cut(tag, ",")
	if !f.IsExported() && !(f.Anonymous && name == "") {
		return "", "", true
	}
	return name, opts, false
}

// required approximates upstream's required lists: fields that are always
// serialized (no omitempty or omitzero) and are not pointers.
func required(f reflect.StructField, opts string) bool {
	for _, o := range strings.Split(opts, ",") {
		if o == "omitempty" || o == "omitzero" {
			return false
		}
	}
	return f.Type.Kind() != reflect.Pointer
}

// requireKeys adds list-map key fields to the required list of their
// definitions, except keys with a declared default.
func (b *defBuilder) requireKeys() {
	for name, keys := range b.keys {
		s := b.defs[name]
		for _, k := range keys {
			_, defaulted := b.defaults[name+"."+k]
			if _, ok := s.Properties[k]; ok && !defaulted && !slices.Contains(s.Required, k) {
				s.Required = append(s.Required, k)
			}
		}
	}
}

// deref strips pointer indirections from t.
func deref(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// defaultOf is the default of field id of type t: the declared one if
// upstream has it, an empty object for struct values (encoding/json always
// writes them), and the JSON zero value for other always-serialized
// fields, as upstream's generator records them. Server-side apply fills
// missing list-map keys from these defaults.
func (b *defBuilder) defaultOf(id string, t reflect.Type, always bool) any {
	if d, ok := b.defaults[id]; ok {
		return d
	}
	if t.Kind() == reflect.Struct {
		if _, custom := customSchema(t); custom {
			return nil
		}
		return map[string]any{}
	}
	if !always {
		return nil
	}
	switch t.Kind() {
	case reflect.String:
		return ""
	case reflect.Bool:
		return false
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return 0
	}
	return nil
}
