package apiserver

import (
	"net/http"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

func subresourceKind(r *resource, sub string) (schema.GroupVersionKind, []string) {
	rw := []string{"get", "patch", "update"}
	switch sub {
	case "scale":
		return schema.GroupVersionKind{Group: "autoscaling", Version: "v1", Kind: "Scale"}, rw
	case "binding":
		return coreV1.WithKind("Binding"), []string{"create"}
	case "eviction":
		return policyV1.WithKind("Eviction"), []string{"create"}
	case "finalize":
		return r.gvk, []string{"update"}
	case "log":
		return r.gvk, []string{"get"}
	case "exec", "attach", "portforward":
		kinds := map[string]string{"exec": "PodExecOptions", "attach": "PodAttachOptions", "portforward": "PodPortForwardOptions"}
		return coreV1.WithKind(kinds[sub]), []string{"create", "get"}
	}
	return r.gvk, rw
}

// serveAPI serves discovery of one group or version, and every resource request.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	watch := q.Get("watch") == "true" || q.Get("watch") == "1"
	ri, ok := parsePath(r.Method, r.URL.Path, watch)
	if !ok {
		s.serveGroupDiscovery(w, r)
		return
	}
	res := s.byPath[ri.gv.Group+"/"+ri.gv.Version+"/"+ri.resource]
	if res == nil {
		if ri.resource == "" || s.resourceList(ri.gv.Group, ri.gv.Version) == nil && ri.name == "" && ri.namespace == "" {
			s.serveGroupDiscovery(w, r)
			return
		}
		writeError(w, r, s, apierrors.NewNotFound(schema.GroupResource{Group: ri.gv.Group, Resource: ri.resource}, ri.name))
		return
	}
	if err := s.checkRequest(r, res, &ri); err != nil {
		writeError(w, r, s, err)
		return
	}
	if err := s.authorize(r, ri); err != nil {
		writeError(w, r, s, err)
		return
	}
	out, err := s.negotiate(r)
	if err != nil {
		writeError(w, r, s, err)
		return
	}
	h := &call{s: s, w: w, r: r, ri: ri, res: res, out: out}
	h.serve()
}

func (s *Server) checkRequest(r *http.Request, res *resource, ri *requestInfo) error {
	if ri.subresource != "" && !res.has(ri.subresource) {
		return apierrors.NewNotFound(res.gr, ri.name+"/"+ri.subresource)
	}
	if !res.spec.namespaced && ri.namespace != "" {
		return apierrors.NewNotFound(res.gr, ri.name)
	}
	if ri.verb == "" {
		return apierrors.NewMethodNotSupported(res.gr, r.Method)
	}
	if ri.verb == "create" && ri.name != "" && ri.subresource == "" {
		return apierrors.NewMethodNotSupported(res.gr, "create on a named resource")
	}
	if (ri.verb == "update" || ri.verb == "patch") && ri.name == "" {
		return apierrors.NewMethodNotSupported(res.gr, strings.ToLower(r.Method)+" on a collection")
	}
	return nil
}

func (s *Server) serveGroupDiscovery(w http.ResponseWriter, r *http.Request) {
	segs := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	switch {
	case segs[0] == "api" && len(segs) == 2:
		if l := s.resourceList("", segs[1]); l != nil {
			writeJSON(w, http.StatusOK, l)
			return
		}
	case segs[0] == "apis" && len(segs) == 2:
		_, versions := s.groupVersions()
		if vs, ok := versions[segs[1]]; ok && segs[1] != "" {
			g := s.apiGroup(segs[1], vs)
			writeJSON(w, http.StatusOK, &g)
			return
		}
	case segs[0] == "apis" && len(segs) == 3:
		if l := s.resourceList(segs[1], segs[2]); l != nil {
			writeJSON(w, http.StatusOK, l)
			return
		}
	}
	writeError(w, r, s, apierrors.NewNotFound(schema.GroupResource{}, r.URL.Path))
}

// call is one resource request in flight.
type call struct {
	s   *Server
	w   http.ResponseWriter
	r   *http.Request
	ri  requestInfo
	res *resource
	out output
}

func (c *call) fail(err error) { writeError(c.w, c.r, c.s, err) }

func (c *call) serve() {
	var err error
	if c.res.gr.Resource == "pods" && isNodeProxy(c.ri.subresource) {
		if err := c.proxyToKubelet(); err != nil {
			c.fail(err)
		}
		return
	}
	switch c.ri.verb {
	case "get":
		err = c.get()
	case "list":
		err = c.list()
	case "watch":
		err = c.watch()
	case "create":
		err = c.create()
	case "update":
		err = c.update()
	case "patch":
		err = c.patch()
	case "delete":
		err = c.delete()
	case "deletecollection":
		err = c.deleteCollection()
	}
	if err != nil {
		c.fail(err)
	}
}
