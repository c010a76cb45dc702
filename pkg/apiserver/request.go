package apiserver

import (
	"net/http"
	"strings"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

// requestInfo is a parsed resource request path.
type requestInfo struct {
	gv          schema.GroupVersion
	namespace   string
	resource    string
	name        string
	subresource string
	verb        string
}

// parsePath splits /api/v1/... or /apis/G/V/... into a requestInfo. ok is false for paths that
// name only a group or version (discovery).
func parsePath(method, path string, watch bool) (ri requestInfo, ok bool) {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	switch {
	case segs[0] == "api" && len(segs) >= 2:
		ri.gv, segs = schema.GroupVersion{Version: segs[1]}, segs[2:]
	case segs[0] == "apis" && len(segs) >= 3:
		ri.gv, segs = schema.GroupVersion{Group: segs[1], Version: segs[2]}, segs[3:]
	default:
		return ri, false
	}
	if len(segs) == 0 || segs[0] == "" {
		return ri, false
	}
	if segs[0] == "namespaces" && len(segs) >= 3 && segs[2] != "status" && segs[2] != "finalize" {
		ri.namespace, segs = segs[1], segs[2:]
	}
	ri.resource = segs[0]
	if len(segs) > 1 {
		ri.name = segs[1]
	}
	if len(segs) > 2 {
		ri.subresource = strings.Join(segs[2:], "/")
	}
	ri.verb = verbFor(method, ri.name != "", watch)
	return ri, true
}

func verbFor(method string, named, watch bool) string {
	switch method {
	case http.MethodGet, http.MethodHead:
		switch {
		case watch:
			return "watch"
		case named:
			return "get"
		}
		return "list"
	case http.MethodPost:
		return "create"
	case http.MethodPut:
		return "update"
	case http.MethodPatch:
		return "patch"
	case http.MethodDelete:
		if named {
			return "delete"
		}
		return "deletecollection"
	}
	return ""
}
