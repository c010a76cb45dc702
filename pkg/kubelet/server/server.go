package server

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"time"

	v1 "k8s.io/api/core/v1"
	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"
	"k8s.io/utils/clock"
)

// Host is what the API needs of the kubelet.
type Host interface {
	// GetPod returns a pod the kubelet runs.
	GetPod(namespace, name string) (*v1.Pod, bool)
	// Runtime is the CRI runtime service.
	Runtime() runtimeapi.RuntimeServiceClient
	// ContainerID finds a container of pod (the previous instance if previous) and its
	// absolute CRI log path.
	ContainerID(pod *v1.Pod, container string, previous bool) (id, logPath string, err error)
	// Pods lists the pods bound to the node that the kubelet manages (served on /pods).
	Pods() []*v1.Pod
}

// Identities allowed to call the API (besides the group system:masters).
const (
	APIServerUser = "kube-apiserver-kubelet-client"
	mastersGroup  = "system:masters"
)

// Config configures a Server.
type Config struct {
	Host     Host
	NodeName string
	// BindAddress and Port are where Run listens (Port defaults to 10250).
	BindAddress string
	Port        int
	// CertFile and KeyFile are the kubelet serving certificate; ClientCAFile the cluster CA.
	CertFile, KeyFile, ClientCAFile string
	// ProcRoot is where node stats are read (default /proc).
	ProcRoot string
	Clock    clock.WithTicker
	Log      *slog.Logger
}

// Server is the kubelet API. Handler is safe for concurrent use.
type Server struct {
	cfg   Config
	log   *slog.Logger
	stats *nodeCPU
	start time.Time
}

// New validates cfg; it starts nothing.
func New(cfg Config) (*Server, error) {
	if cfg.Host == nil {
		return nil, errors.New("kubelet server: host is required")
	}
	if cfg.Port == 0 {
		cfg.Port = 10250
	}
	if cfg.ProcRoot == "" {
		cfg.ProcRoot = "/proc"
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.RealClock{}
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	return &Server{cfg: cfg, log: cfg.Log.With("component", "kubelet-api"), stats: &nodeCPU{}, start: cfg.Clock.Now()}, nil
}

// Handler returns the routes, with the caller check in front.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok")) })
	mux.HandleFunc("GET /pods", s.servePods)
	mux.HandleFunc("GET /stats/summary", s.serveSummary)
	mux.HandleFunc("GET /containerLogs/{ns}/{pod}/{container}", s.serveLogs)
	for _, p := range []string{"/exec/{ns}/{pod}/{container}", "/exec/{ns}/{pod}/{uid}/{container}"} {
		mux.HandleFunc(p, s.serveExec)
	}
	for _, p := range []string{"/attach/{ns}/{pod}/{container}", "/attach/{ns}/{pod}/{uid}/{container}"} {
		mux.HandleFunc(p, s.serveAttach)
	}
	for _, p := range []string{"/portForward/{ns}/{pod}", "/portForward/{ns}/{pod}/{uid}"} {
		mux.HandleFunc(p, s.servePortForward)
	}
	return s.authorize(mux)
}

// authorize admits only callers whose verified client certificate names the API server.
func (s *Server) authorize(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.TLS == nil || len(r.TLS.VerifiedChains) == 0 {
			http.Error(w, "Unauthorized", http.StatusUnauthorized)
			return
		}
		c := r.TLS.VerifiedChains[0][0]
		if c.Subject.CommonName != APIServerUser && !slices.Contains(c.Subject.Organization, mastersGroup) {
			msg := fmt.Sprintf("Forbidden (user=%s, verb=%s, resource=nodes, subresource=proxy)", c.Subject.CommonName, r.Method)
			http.Error(w, msg, http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// TLSConfig loads the serving certificate and requires client certificates from the CA.
func (s *Server) TLSConfig() (*tls.Config, error) {
	cert, err := tls.LoadX509KeyPair(s.cfg.CertFile, s.cfg.KeyFile)
	if err != nil {
		return nil, fmt.Errorf("kubelet serving certificate: %w", err)
	}
	caPEM, err := os.ReadFile(s.cfg.ClientCAFile)
	if err != nil {
		return nil, fmt.Errorf("kubelet client CA: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		return nil, fmt.Errorf("kubelet client CA %s: no certificate", s.cfg.ClientCAFile)
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, ClientCAs: pool, ClientAuth: tls.RequireAndVerifyClientCert, MinVersion: tls.VersionTLS12}, nil
}

// Run serves HTTPS until ctx ends, then shuts down (open streams get 5 s).
func (s *Server) Run(ctx context.Context) error {
	tlsCfg, err := s.TLSConfig()
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(s.cfg.BindAddress, strconv.Itoa(s.cfg.Port)))
	if err != nil {
		return fmt.Errorf("kubelet API: %w", err)
	}
	srv := &http.Server{Handler: s.Handler(), TLSConfig: tlsCfg, ReadHeaderTimeout: 30 * time.Second, ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelDebug)}
	done := make(chan error, 1)
	go func() { done <- srv.ServeTLS(ln, "", "") }()
	s.log.Info("kubelet API listening", "address", ln.Addr().String())
	select {
	case err := <-done:
		return fmt.Errorf("kubelet API: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		srv.Close()
	}
	return nil
}
