package openapi

import (
	"maps"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/kube-openapi/pkg/spec3"
	"k8s.io/kube-openapi/pkg/validation/spec"
)

// componentRef is the v3 JSON reference of a definition.
func componentRef(name string) string {
	return "#/components/schemas/" + name
}

// v3Document renders the OpenAPI v3 document of one group version: its
// routes and the schemas they reach.
func v3Document(gv schema.GroupVersion, defs map[string]*spec.Schema, routes []route) *spec3.OpenAPI {
	paths := map[string]*spec3.Path{}
	var roots []string
	for _, rt := range routes {
		if rt.gv != gv {
			continue
		}
		paths[rt.path] = v3Path(rt)
		roots = append(roots, routeDefs(rt)...)
	}
	schemas := map[string]*spec.Schema{}
	for name := range reachable(defs, roots) {
		s := v3Schema(*defs[name])
		schemas[name] = &s
	}
	return &spec3.OpenAPI{
		Version:    "3.0.0",
		Info:       &spec.Info{InfoProps: spec.InfoProps{Title: "Kubernetes", Version: "v1"}},
		Paths:      &spec3.Paths{Paths: paths},
		Components: &spec3.Components{Schemas: schemas},
	}
}

// routeDefs lists the definitions a route's bodies and responses use.
func routeDefs(rt route) []string {
	var out []string
	for _, op := range rt.ops {
		if op.body != "" {
			out = append(out, op.body)
		}
		for _, r := range op.responses {
			if r.def != "" {
				out = append(out, r.def)
			}
		}
	}
	return out
}

// reachable returns roots and every definition they refer to.
func reachable(defs map[string]*spec.Schema, roots []string) map[string]bool {
	seen := map[string]bool{}
	var visit func(s *spec.Schema)
	add := func(name string) {
		if !seen[name] && defs[name] != nil {
			seen[name] = true
			visit(defs[name])
		}
	}
	visit = func(s *spec.Schema) {
		eachSubschema(s, func(sub *spec.Schema) {
			if ref := sub.Ref.String(); ref != "" {
				add(refName(ref))
			}
			visit(sub)
		})
	}
	for _, r := range roots {
		add(r)
	}
	return seen
}

// eachSubschema calls fn for the direct subschemas of s.
func eachSubschema(s *spec.Schema, fn func(*spec.Schema)) {
	for _, p := range s.Properties {
		fn(&p)
	}
	if s.Items != nil && s.Items.Schema != nil {
		fn(s.Items.Schema)
	}
	if s.AdditionalProperties != nil && s.AdditionalProperties.Schema != nil {
		fn(s.AdditionalProperties.Schema)
	}
	for i := range s.AllOf {
		fn(&s.AllOf[i])
	}
}

// v3Schema copies a v2 schema with references rewritten to components.
// OpenAPI 3.0 ignores siblings of $ref, so a reference that carries a
// description or extensions is wrapped in allOf, as upstream does.
func v3Schema(s spec.Schema) spec.Schema {
	if ref := s.Ref.String(); ref != "" {
		target := refSchema(componentRef(refName(ref)))
		if s.Description == "" && len(s.Extensions) == 0 {
			return target
		}
		s.Ref = spec.Ref{}
		s.AllOf = []spec.Schema{target}
	}
	if s.Properties != nil {
		props := make(map[string]spec.Schema, len(s.Properties))
		for k, p := range s.Properties {
			props[k] = v3Schema(p)
		}
		s.Properties = props
	}
	if s.Items != nil && s.Items.Schema != nil {
		items := v3Schema(*s.Items.Schema)
		s.Items = &spec.SchemaOrArray{Schema: &items}
	}
	if s.AdditionalProperties != nil && s.AdditionalProperties.Schema != nil {
		values := v3Schema(*s.AdditionalProperties.Schema)
		s.AdditionalProperties = &spec.SchemaOrBool{Allows: true, Schema: &values}
	}
	s.Extensions = maps.Clone(s.Extensions)
	return s
}

func v3Path(rt route) *spec3.Path {
	p := &spec3.Path{}
	for _, prm := range rt.params {
		p.Parameters = append(p.Parameters, v3Param(prm))
	}
	for _, op := range rt.ops {
		o := v3Operation(rt, op)
		switch op.method {
		case "get":
			p.Get = o
		case "put":
			p.Put = o
		case "post":
			p.Post = o
		case "delete":
			p.Delete = o
		case "patch":
			p.Patch = o
		}
	}
	return p
}

func v3Operation(rt route, op operation) *spec3.Operation {
	o := &spec3.Operation{OperationProps: spec3.OperationProps{
		OperationId: op.id,
		Description: op.description,
		Tags:        []string{tag(rt.gv)},
		Responses:   v3Responses(op.responses),
	}}
	o.Extensions = spec.Extensions{extAction: op.action, extGVK: gvkValue(op.gvk)}
	for _, p := range op.params {
		o.Parameters = append(o.Parameters, v3Param(p))
	}
	if op.body != "" {
		types := op.consumes
		if len(types) == 0 {
			types = []string{"*/*"}
		}
		o.RequestBody = &spec3.RequestBody{RequestBodyProps: spec3.RequestBodyProps{
			Required: true, Content: content(types, refSchema(componentRef(op.body))),
		}}
	}
	return o
}

func v3Param(p param) *spec3.Parameter {
	return &spec3.Parameter{ParameterProps: spec3.ParameterProps{
		Name: p.name, In: p.in, Description: p.description, Required: p.required,
		Schema: &spec.Schema{SchemaProps: spec.SchemaProps{Type: spec.StringOrArray{p.typ}}},
	}}
}

func v3Responses(rs []response) *spec3.Responses {
	codes := map[int]*spec3.Response{
		401: {ResponseProps: spec3.ResponseProps{Description: "Unauthorized"}},
	}
	for _, r := range rs {
		codes[r.code] = &spec3.Response{ResponseProps: spec3.ResponseProps{
			Description: statusText(r.code),
			Content:     content(produces(), responseSchema(r.def, componentRef)),
		}}
	}
	return &spec3.Responses{ResponsesProps: spec3.ResponsesProps{StatusCodeResponses: codes}}
}

// content maps each media type to schema s.
func content(types []string, s spec.Schema) map[string]*spec3.MediaType {
	out := make(map[string]*spec3.MediaType, len(types))
	for _, t := range types {
		out[t] = &spec3.MediaType{MediaTypeProps: spec3.MediaTypeProps{Schema: &s}}
	}
	return out
}
