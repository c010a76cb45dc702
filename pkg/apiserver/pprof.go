package apiserver

import (
	"net/http"
	"net/http/pprof"
	"slices"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// servePprof serves Go's profiling endpoints under /debug/pprof to cluster admins
// (group system:masters) only.
func (s *Server) servePprof(w http.ResponseWriter, r *http.Request, u User) {
	if !slices.Contains(u.Groups, "system:masters") {
		writeError(w, r, s, apierrors.NewForbidden(schema.GroupResource{}, r.URL.Path, errorString("profiling is for cluster admins")))
		return
	}
	switch name := strings.TrimPrefix(r.URL.Path, "/debug/pprof/"); name {
	case "profile":
		pprof.Profile(w, r)
	case "trace":
		pprof.Trace(w, r)
	case "symbol":
		pprof.Symbol(w, r)
	case "cmdline":
		pprof.Cmdline(w, r)
	case "", "/debug/pprof":
		pprof.Index(w, r)
	default:
		pprof.Handler(name).ServeHTTP(w, r)
	}
}
