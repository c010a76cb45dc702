package openapi

import (
	"encoding/json"
	"reflect"

	"k8s.io/kube-openapi/pkg/validation/spec"
)

// openAPISchemaTyper is implemented by apimachinery types with custom JSON
// (Quantity, IntOrString, Time, MicroTime, Duration) to state their schema.
type openAPISchemaTyper interface {
	OpenAPISchemaType() []string
	OpenAPISchemaFormat() string
}

// swaggerDocer is implemented by k8s.io/api types: key "" describes the
// type, other keys its json fields.
type swaggerDocer interface {
	SwaggerDoc() map[string]string
}

// swaggerDoc returns the descriptions of t, or nil. The map must not be
// modified.
func swaggerDoc(t reflect.Type) map[string]string {
	if d, ok := reflect.New(t).Interface().(swaggerDocer); ok {
		return d.SwaggerDoc()
	}
	return nil
}

// customSchema returns the schema of a struct type that controls its own JSON
// encoding: the schema it declares, else an untyped object (FieldsV1,
// RawExtension, runtime.Unknown).
func customSchema(t reflect.Type) (spec.Schema, bool) {
	v := reflect.New(t).Interface()
	if typer, ok := v.(openAPISchemaTyper); ok {
		s := spec.Schema{SchemaProps: spec.SchemaProps{
			Type:   spec.StringOrArray(typer.OpenAPISchemaType()),
			Format: typer.OpenAPISchemaFormat(),
		}}
		return s, true
	}
	if _, ok := v.(json.Marshaler); ok {
		return objectSchema(), true
	}
	return spec.Schema{}, false
}

// fieldSchema is the schema of a field of type t: a reference for structs,
// an inline schema otherwise.
func (b *defBuilder) fieldSchema(t reflect.Type) spec.Schema {
	switch t.Kind() {
	case reflect.Pointer:
		return b.fieldSchema(t.Elem())
	case reflect.Struct:
		return b.ref(t)
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return primitive("string", "byte")
		}
		return b.guarded(t, b.arraySchema)
	case reflect.Map:
		return b.guarded(t, b.mapSchema)
	case reflect.Interface:
		return objectSchema()
	}
	return kindSchema(t.Kind())
}

// guarded builds a container schema, cutting recursion through named
// non-struct types (metav1.Fields is a map of itself) with an untyped
// object.
func (b *defBuilder) guarded(t reflect.Type, build func(reflect.Type) spec.Schema) spec.Schema {
	if b.visiting[t] {
		return objectSchema()
	}
	b.visiting[t] = true
	defer delete(b.visiting, t)
	return build(t)
}

func (b *defBuilder) arraySchema(t reflect.Type) spec.Schema {
	items := b.fieldSchema(t.Elem())
	return spec.Schema{SchemaProps: spec.SchemaProps{
		Type:  spec.StringOrArray{"array"},
		Items: &spec.SchemaOrArray{Schema: &items},
	}}
}

func (b *defBuilder) mapSchema(t reflect.Type) spec.Schema {
	values := b.fieldSchema(t.Elem())
	return spec.Schema{SchemaProps: spec.SchemaProps{
		Type:                 spec.StringOrArray{"object"},
		AdditionalProperties: &spec.SchemaOrBool{Allows: true, Schema: &values},
	}}
}

// kindSchema is the schema of a scalar Go kind.
func kindSchema(k reflect.Kind) spec.Schema {
	switch k {
	case reflect.Bool:
		return primitive("boolean", "")
	case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Uint8, reflect.Uint16:
		return primitive("integer", "int32")
	case reflect.Int, reflect.Int64, reflect.Uint, reflect.Uint32, reflect.Uint64:
		return primitive("integer", "int64")
	case reflect.Float32:
		return primitive("number", "float")
	case reflect.Float64:
		return primitive("number", "double")
	}
	return primitive("string", "")
}

func primitive(typ, format string) spec.Schema {
	return spec.Schema{SchemaProps: spec.SchemaProps{Type: spec.StringOrArray{typ}, Format: format}}
}

func objectSchema() spec.Schema {
	return primitive("object", "")
}
