package openapi

import (
	"k8s.io/kube-openapi/pkg/validation/spec"
)

// produces are the response content types of every operation.
func produces() []string {
	return []string{"application/json", "application/yaml", "application/vnd.kubernetes.protobuf", "application/cbor"}
}

// swaggerDocument renders the OpenAPI v2 document of all routes.
func swaggerDocument(defs map[string]*spec.Schema, routes []route) *spec.Swagger {
	paths := map[string]spec.PathItem{}
	for _, rt := range routes {
		paths[rt.path] = swaggerPath(rt)
	}
	definitions := make(spec.Definitions, len(defs))
	for name, s := range defs {
		definitions[name] = *s
	}
	return &spec.Swagger{SwaggerProps: spec.SwaggerProps{
		Swagger:     "2.0",
		Info:        &spec.Info{InfoProps: spec.InfoProps{Title: "Kubernetes", Version: "v1"}},
		Paths:       &spec.Paths{Paths: paths},
		Definitions: definitions,
	}}
}

func swaggerPath(rt route) spec.PathItem {
	item := spec.PathItem{}
	for _, p := range rt.params {
		item.Parameters = append(item.Parameters, swaggerParam(p))
	}
	for _, op := range rt.ops {
		o := swaggerOperation(rt, op)
		switch op.method {
		case "get":
			item.Get = o
		case "put":
			item.Put = o
		case "post":
			item.Post = o
		case "delete":
			item.Delete = o
		case "patch":
			item.Patch = o
		}
	}
	return item
}

func swaggerOperation(rt route, op operation) *spec.Operation {
	o := &spec.Operation{OperationProps: spec.OperationProps{
		ID:          op.id,
		Description: op.description,
		Consumes:    op.consumes,
		Produces:    produces(),
		Schemes:     []string{"https"},
		Tags:        []string{tag(rt.gv)},
		Responses:   swaggerResponses(op.responses),
	}}
	o.Extensions = spec.Extensions{extAction: op.action, extGVK: gvkValue(op.gvk)}
	if op.body != "" {
		body := refSchema(definitionRef(op.body))
		o.Parameters = append(o.Parameters, spec.Parameter{ParamProps: spec.ParamProps{
			Name: "body", In: "body", Required: true, Schema: &body,
		}})
	}
	for _, p := range op.params {
		o.Parameters = append(o.Parameters, swaggerParam(p))
	}
	return o
}

func swaggerParam(p param) spec.Parameter {
	return spec.Parameter{
		ParamProps:   spec.ParamProps{Name: p.name, In: p.in, Description: p.description, Required: p.required},
		SimpleSchema: spec.SimpleSchema{Type: p.typ},
	}
}

func swaggerResponses(rs []response) *spec.Responses {
	codes := map[int]spec.Response{
		401: {ResponseProps: spec.ResponseProps{Description: "Unauthorized"}},
	}
	for _, r := range rs {
		s := responseSchema(r.def, definitionRef)
		codes[r.code] = spec.Response{ResponseProps: spec.ResponseProps{Description: statusText(r.code), Schema: &s}}
	}
	return &spec.Responses{ResponsesProps: spec.ResponsesProps{StatusCodeResponses: codes}}
}

// responseSchema refers to definition def, or is a string for an empty def.
func responseSchema(def string, ref func(string) string) spec.Schema {
	if def == "" {
		return primitive("string", "")
	}
	return refSchema(ref(def))
}

func refSchema(ref string) spec.Schema {
	return spec.Schema{SchemaProps: spec.SchemaProps{Ref: spec.MustCreateRef(ref)}}
}

func statusText(code int) string {
	switch code {
	case 201:
		return "Created"
	case 202:
		return "Accepted"
	}
	return "OK"
}
