package apiserver

import (
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/apimachinery/pkg/util/managedfields"
	"k8s.io/apimachinery/pkg/version"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/utils/clock"
)

// MaxBodyBytes is the largest request body accepted (413 above it).
const MaxBodyBytes = 3 << 20

// Config holds the dependencies of a Server.
type Config struct {
	Etcd *clientv3.Client
	// Authenticator identifies the caller; nil admits everybody as anonymous admin (tests).
	Authenticator Authenticator
	// Authorizer decides whether an identified user may do a request; nil allows all.
	Authorizer Authorizer
	// OpenAPI serves /openapi/* and provides SSA schemas; nil disables both (deduced schemas).
	OpenAPI OpenAPI
	// Version is reported by /version.
	Version version.Info
	Clock   clock.PassiveClock
	Log     *slog.Logger
	// ExternalAddress (host:port) is advertised in discovery.
	ExternalAddress string
	// KubeletTLS is the client TLS config pods/log, exec, attach and portforward are proxied to
	// kubelets with (client certificate and the CA that signs kubelet serving certificates);
	// nil makes those subresources fail with 503.
	KubeletTLS *tls.Config
	// ServiceCIDR is the range Service cluster IPs come from (default DefaultServiceCIDR); its
	// first usable address is kept for the `kubernetes` Service.
	ServiceCIDR string
	// NodePortRange is the range of Service node ports, "MIN-MAX" (default DefaultNodePortRange).
	NodePortRange string
}

// OpenAPI is what the server needs of the OpenAPI document builder.
type OpenAPI interface {
	http.Handler
	TypeConverter() managedfields.TypeConverter
}

// Server is the API server's HTTP handler. It is safe for concurrent use.
type Server struct {
	cfg       Config
	scheme    *runtime.Scheme
	codecs    serializer.CodecFactory
	resources []*resource
	byPath    map[string]*resource // "group/version/resource"
	log       *slog.Logger
	ready     func(ctx context.Context) error
	typeConv  managedfields.TypeConverter
	// kubelets dials kubelets for pods/log, exec, attach and portforward (nil without KubeletTLS).
	kubelets *http.Transport
	// svcAlloc allocates Service cluster IPs and node ports.
	svcAlloc *serviceAllocator
}

// New builds a Server over cfg; it does no I/O.
func New(cfg Config) (*Server, error) {
	if cfg.Etcd == nil {
		return nil, fmt.Errorf("apiserver: etcd client is required")
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.RealClock{}
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	scheme, err := NewScheme()
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, scheme: scheme, codecs: serializer.NewCodecFactory(scheme), byPath: map[string]*resource{}, log: cfg.Log.With("component", "apiserver")}
	if cfg.KubeletTLS != nil {
		s.kubelets = &http.Transport{TLSClientConfig: cfg.KubeletTLS.Clone(), IdleConnTimeout: 90 * time.Second}
	}
	if s.svcAlloc, err = newServiceAllocator(cfg.Etcd, cfg.ServiceCIDR, cfg.NodePortRange, s.log); err != nil {
		return nil, err
	}
	s.typeConv = managedfields.NewDeducedTypeConverter()
	if cfg.OpenAPI != nil && cfg.OpenAPI.TypeConverter() != nil {
		s.typeConv = cfg.OpenAPI.TypeConverter()
	}
	for _, spec := range builtinResources() {
		r, err := s.newResource(spec)
		if err != nil {
			return nil, fmt.Errorf("resource %s: %w", spec.resource, err)
		}
		s.resources = append(s.resources, r)
		s.byPath[spec.gv.Group+"/"+spec.gv.Version+"/"+spec.resource] = r
	}
	return s, nil
}

// Scheme returns the scheme of every served type.
func (s *Server) Scheme() *runtime.Scheme { return s.scheme }

// NewScheme returns a scheme with every served type registered.
func NewScheme() (*runtime.Scheme, error) {
	scheme := runtime.NewScheme()
	return scheme, clientgoscheme.AddToScheme(scheme)
}

// Resources describes every served resource (for OpenAPI documents).
func Resources() []ResourceInfo {
	var out []ResourceInfo
	for _, r := range builtinResources() {
		out = append(out, ResourceInfo{GVK: r.gv.WithKind(r.kind), Resource: r.resource, Namespaced: r.namespaced, Subresources: r.subresources, Verbs: mainVerbs})
	}
	return out
}

// ResourceInfo describes a served resource.
type ResourceInfo struct {
	GVK          schema.GroupVersionKind
	Resource     string
	Namespaced   bool
	Subresources []string
	Verbs        []string
}

// ServeHTTP routes a request. Panics are recovered into 500 Status responses.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			s.log.Error("panic serving request", "method", r.Method, "path", r.URL.Path, "panic", p)
			writeError(w, r, s, apierrors.NewInternalError(fmt.Errorf("internal error: %v", p)))
		}
	}()
	start := s.cfg.Clock.Now()
	if r.ContentLength > MaxBodyBytes {
		writeError(w, r, s, tooLarge())
		return
	}
	if r.Body != nil && r.Body != http.NoBody { // NoBody stays, so proxied upgrades send no body
		r.Body = http.MaxBytesReader(w, r.Body, MaxBodyBytes)
	}
	s.route(w, r)
	if d := s.cfg.Clock.Since(start); d > time.Second && !longRunning(r) {
		s.log.Warn("slow request", "method", r.Method, "path", r.URL.Path, "duration", d)
	}
}

// longRunning reports whether a request is expected to last: watches, followed logs and
// upgraded streams.
func longRunning(r *http.Request) bool {
	q := r.URL.Query()
	return q.Get("watch") != "" || q.Get("follow") != "" || r.Header.Get("Upgrade") != ""
}

func tooLarge() error {
	return apierrors.NewRequestEntityTooLargeError(fmt.Sprintf("limit is %d bytes", MaxBodyBytes))
}

func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	switch {
	case p == "/healthz" || p == "/livez":
		w.Write([]byte("ok"))
		return
	case p == "/readyz":
		s.serveReady(w, r)
		return
	}
	user, ok := s.authenticate(w, r)
	if !ok {
		return
	}
	r = r.WithContext(withUser(r.Context(), user))
	switch {
	case strings.HasPrefix(p, "/debug/pprof"):
		s.servePprof(w, r, user)
	case p == "/version" || p == "/version/":
		writeJSON(w, http.StatusOK, s.cfg.Version)
	case strings.HasPrefix(p, "/openapi/"):
		if s.cfg.OpenAPI == nil {
			writeError(w, r, s, apierrors.NewNotFound(schema.GroupResource{}, p))
			return
		}
		s.cfg.OpenAPI.ServeHTTP(w, r)
	case p == "/api" || p == "/api/" || p == "/apis" || p == "/apis/":
		s.serveDiscoveryRoot(w, r)
	case strings.HasPrefix(p, "/api/") || strings.HasPrefix(p, "/apis/"):
		s.serveAPI(w, r)
	default:
		writeError(w, r, s, apierrors.NewNotFound(schema.GroupResource{}, p))
	}
}

// SetReadyCheck installs the check behind /readyz.
func (s *Server) SetReadyCheck(f func(ctx context.Context) error) { s.ready = f }

func (s *Server) serveReady(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if _, err := s.cfg.Etcd.Get(ctx, "/registry/readyz-probe"); err != nil {
		http.Error(w, "etcd not ready: "+err.Error(), http.StatusServiceUnavailable)
		return
	}
	if s.ready != nil {
		if err := s.ready(ctx); err != nil {
			http.Error(w, "not ready: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
	}
	w.Write([]byte("ok"))
}
