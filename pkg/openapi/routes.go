package openapi

import (
	"slices"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

// route is one REST path and the operations served on it.
type route struct {
	gv     schema.GroupVersion
	path   string
	params []param // path parameters, shared by the operations
	ops    []operation
}

// operation is one HTTP method on a route.
type operation struct {
	method      string // get, put, post, delete or patch
	id          string
	action      string // x-kubernetes-action
	description string
	gvk         schema.GroupVersionKind
	params      []param // query parameters
	body        string  // definition of the request body; "" for none
	consumes    []string
	responses   []response
}

// response is one status code of an operation and its body definition; an
// empty def means a plain string.
type response struct {
	code int
	def  string
}

// Definition names the routes refer to besides the served kinds.
type commonDefs struct {
	status, deleteOptions, patch string
}

// routeBuilder derives the REST routes of resources.
type routeBuilder struct {
	defOf  map[schema.GroupVersionKind]string // definition of each kind
	common commonDefs
}

// patchTypes are the request content types of patch operations.
func patchTypes() []string {
	return []string{
		"application/json-patch+json",
		"application/merge-patch+json",
		"application/strategic-merge-patch+json",
		"application/apply-patch+yaml",
		"application/apply-patch+cbor",
	}
}

// routes returns the routes of r, collection first.
func (b *routeBuilder) routes(r Resource) []route {
	gv := r.GVK.GroupVersion()
	n := b.naming(r)
	coll := route{gv: gv, path: "/" + gvPath(gv) + "/" + r.Resource}
	if r.Namespaced {
		coll.path = "/" + gvPath(gv) + "/namespaces/{namespace}/" + r.Resource
		coll.params = []param{namespaceParam()}
	}
	item := route{gv: gv, path: coll.path + "/{name}", params: append(slices.Clone(coll.params), nameParam(r.GVK.Kind))}
	coll.ops = b.collectionOps(r, n)
	item.ops = b.itemOps(r, n)
	out := []route{coll, item}
	if r.Namespaced && slices.Contains(r.Verbs, "list") {
		out = append(out, b.allNamespaces(r))
	}
	for _, name := range r.Subresources {
		out = append(out, b.subresourceRoute(r, item, name))
	}
	return slices.DeleteFunc(out, func(rt route) bool { return len(rt.ops) == 0 })
}

// naming builds operation ids: verb + group version + scope + kind + suffix.
type naming struct {
	gv, scope, kind string
}

func (b *routeBuilder) naming(r Resource) naming {
	n := naming{gv: gvName(r.GVK.GroupVersion()), kind: r.GVK.Kind}
	if r.Namespaced {
		n.scope = "Namespaced"
	}
	return n
}

func (n naming) id(verb, suffix string) string {
	return verb + n.gv + n.scope + n.kind + suffix
}

func (b *routeBuilder) collectionOps(r Resource, n naming) []operation {
	kind, list := b.defOf[r.GVK], b.defOf[r.GVK.GroupVersion().WithKind(r.GVK.Kind+"List")]
	var ops []operation
	if slices.Contains(r.Verbs, "list") {
		ops = append(ops, operation{method: "get", id: n.id("list", ""), action: "list",
			description: "list or watch objects of kind " + r.GVK.Kind,
			params:      withPretty(listParams()), responses: ok(list)})
	}
	if slices.Contains(r.Verbs, "create") {
		ops = append(ops, b.create(n.id("create", ""), r.GVK, kind))
	}
	if slices.Contains(r.Verbs, "deletecollection") {
		ops = append(ops, operation{method: "delete", id: "delete" + n.gv + "Collection" + n.scope + n.kind,
			action: "deletecollection", description: "delete collection of " + r.GVK.Kind,
			params: withPretty(append(deleteParams(), listParams()...)), body: b.common.deleteOptions,
			responses: ok(b.common.status)})
	}
	return withGVK(ops, r.GVK)
}

func (b *routeBuilder) itemOps(r Resource, n naming) []operation {
	kind := b.defOf[r.GVK]
	var ops []operation
	for _, verb := range []string{"get", "update", "patch"} {
		if slices.Contains(r.Verbs, verb) {
			ops = append(ops, b.rw(verb, n.id(rwVerbs(verb), ""), r.GVK, kind))
		}
	}
	if slices.Contains(r.Verbs, "delete") {
		ops = append(ops, operation{method: "delete", id: n.id("delete", ""), action: "delete",
			description: "delete a " + r.GVK.Kind, params: withPretty(deleteParams()),
			body: b.common.deleteOptions, responses: codes(b.common.status, 200, 202)})
	}
	return withGVK(ops, r.GVK)
}

func (b *routeBuilder) allNamespaces(r Resource) route {
	gv := r.GVK.GroupVersion()
	list := b.defOf[gv.WithKind(r.GVK.Kind+"List")]
	op := operation{method: "get", id: "list" + gvName(gv) + r.GVK.Kind + "ForAllNamespaces", action: "list",
		description: "list or watch objects of kind " + r.GVK.Kind, gvk: r.GVK,
		params: withPretty(listParams()), responses: ok(list)}
	return route{gv: gv, path: "/" + gvPath(gv) + "/" + r.Resource, ops: []operation{op}}
}

func (b *routeBuilder) subresourceRoute(r Resource, item route, name string) route {
	rt := route{gv: item.gv, path: item.path + "/" + name, params: item.params}
	sub, known := subresourceOf(r.GVK, name)
	if !known {
		return rt
	}
	n := b.naming(r)
	suffix := title(name)
	def := b.defOf[sub.kind]
	for _, verb := range sub.verbs {
		switch verb {
		case "get", "update", "patch":
			rt.ops = append(rt.ops, b.rw(verb, n.id(rwVerbs(verb), suffix), sub.kind, def))
		case "create":
			rt.ops = append(rt.ops, b.create(n.id("create", suffix), sub.kind, def))
		case "log":
			rt.ops = append(rt.ops, operation{method: "get", id: n.id("read", suffix), action: "get",
				description: "read " + name + " of the specified " + r.GVK.Kind, gvk: sub.kind,
				params: withPretty([]param{query("container", "string", "The container to read from.")}), responses: ok("")})
		case "connect":
			rt.ops = append(rt.ops, connect("get", n, suffix, sub.kind), connect("post", n, suffix, sub.kind))
		}
	}
	return rt
}

func connect(method string, n naming, suffix string, kind schema.GroupVersionKind) operation {
	return operation{method: method, id: "connect" + n.gv + title(method) + n.scope + n.kind + suffix,
		action: "connect", description: "connect " + method + " requests to " + suffix + " of " + n.kind,
		gvk: kind, responses: ok("")}
}

// rwVerbs maps a verb to its operation id prefix.
func rwVerbs(verb string) string {
	switch verb {
	case "get":
		return "read"
	case "update":
		return "replace"
	}
	return verb
}

// rw builds a get, update or patch operation on an object of kind gvk.
func (b *routeBuilder) rw(verb, id string, gvk schema.GroupVersionKind, def string) operation {
	switch verb {
	case "get":
		return operation{method: "get", id: id, action: "get", gvk: gvk,
			description: "read the specified " + gvk.Kind, params: withPretty(nil), responses: ok(def)}
	case "update":
		return operation{method: "put", id: id, action: "put", gvk: gvk,
			description: "replace the specified " + gvk.Kind, params: withPretty(writeParams()),
			body: def, responses: codes(def, 200, 201)}
	}
	return operation{method: "patch", id: id, action: "patch", gvk: gvk,
		description: "partially update the specified " + gvk.Kind, params: withPretty(patchParams()),
		body: b.common.patch, consumes: patchTypes(), responses: codes(def, 200, 201)}
}

func (b *routeBuilder) create(id string, gvk schema.GroupVersionKind, def string) operation {
	return operation{method: "post", id: id, action: "post", gvk: gvk,
		description: "create a " + gvk.Kind, params: withPretty(writeParams()),
		body: def, responses: codes(def, 200, 201, 202)}
}

func ok(def string) []response {
	return codes(def, 200)
}

func codes(def string, cs ...int) []response {
	out := make([]response, 0, len(cs))
	for _, c := range cs {
		out = append(out, response{code: c, def: def})
	}
	return out
}

// withGVK sets the kind of operations that serve the resource itself.
func withGVK(ops []operation, gvk schema.GroupVersionKind) []operation {
	for i := range ops {
		ops[i].gvk = gvk
	}
	return ops
}
