// Package server assembles the control plane of `skiff server`: certificates, etcd (embedded or
// external), the API server over HTTPS, compaction, and the bootstrap objects every cluster has.
package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"golang.org/x/sync/errgroup"
	"k8s.io/apimachinery/pkg/version"

	"skiff/pkg/apiserver"
	"skiff/pkg/etcd"
	"skiff/pkg/openapi"
	"skiff/pkg/pki"
)

// Config is the configuration of `skiff server`.
type Config struct {
	DataDir        string
	BindAddress    string
	HTTPSPort      int
	EtcdServers    []string
	EtcdClientPort int
	EtcdPeerPort   int
	DisableAgent   bool
	// Agent runs the in-process node agent unless DisableAgent (nil: no agent).
	Agent AgentFunc
	// NodeName and NodeIP of the in-process agent (default: host name, default route address).
	NodeName, NodeIP string
	KubeconfigPath   string
	TLSSANs          []string
	CompactInterval  time.Duration
	// DisableControllers keeps the in-process controllers and scheduler from running (tests
	// that run one controller themselves).
	DisableControllers bool
	// ServiceCIDR (--service-cluster-ip-range, default 10.43.0.0/16) and NodePortRange
	// (--service-node-port-range, default 30000-32767) are where Service addresses come from.
	ServiceCIDR, NodePortRange string
	// ClusterCIDR (--cluster-cidr, default 10.42.0.0/16) is split into per-node pod CIDRs of
	// NodeCIDRMaskSize bits (--node-cidr-mask-size, default 24) by the node IPAM controller.
	ClusterCIDR      string
	NodeCIDRMaskSize int
	// AdvertiseAddress is the address the `kubernetes` Service's endpoints point at (default:
	// BindAddress when specific, else the default route's address).
	AdvertiseAddress string
	// MaxEndpointsPerSlice caps the endpoints of one EndpointSlice (--max-endpoints-per-slice,
	// 1-1000; 0 means 100).
	MaxEndpointsPerSlice int
	// ClusterDNS is the kube-dns Service's cluster IP (--cluster-dns, default 10.43.0.10).
	ClusterDNS string
	Version    version.Info
	Log        *slog.Logger
}

// Server is a running control plane.
type Server struct {
	cfg   Config
	log   *slog.Logger
	ready chan struct{}
}

// New validates and defaults cfg; it starts nothing.
func New(cfg Config) (*Server, error) {
	if cfg.DataDir == "" {
		return nil, errors.New("server: --data-dir is required")
	}
	if cfg.HTTPSPort <= 0 || cfg.HTTPSPort > 65535 {
		return nil, fmt.Errorf("server: invalid --https-port %d", cfg.HTTPSPort)
	}
	if cfg.KubeconfigPath == "" {
		cfg.KubeconfigPath = filepath.Join(cfg.DataDir, "kubeconfig.yaml")
	}
	if cfg.CompactInterval == 0 {
		cfg.CompactInterval = 5 * time.Minute
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if err := defaultAddresses(&cfg); err != nil {
		return nil, err
	}
	return &Server{cfg: cfg, log: cfg.Log, ready: make(chan struct{})}, nil
}

// Ready is closed when the API serves and the bootstrap objects exist.
func (s *Server) Ready() <-chan struct{} { return s.ready }

// Run starts every component and blocks until ctx ends or one fails.
func (s *Server) Run(ctx context.Context) error {
	if err := os.MkdirAll(s.cfg.DataDir, 0o700); err != nil {
		return fmt.Errorf("data dir: %w", err)
	}
	g, ctx := errgroup.WithContext(ctx)
	endpoints, err := s.startEtcd(ctx, g)
	if err != nil {
		return err
	}
	client, err := clientv3.New(clientv3.Config{Endpoints: endpoints, DialTimeout: 10 * time.Second, Context: ctx})
	if err != nil {
		return fmt.Errorf("etcd client: %w", err)
	}
	defer client.Close()
	tlsCfg, ca, err := s.certificates()
	if err != nil {
		return err
	}
	kubeletTLS, err := kubeletClientTLS(ca)
	if err != nil {
		return err
	}
	api, err := s.apiServer(client, kubeletTLS)
	if err != nil {
		return err
	}
	handler, err := s.withJoin(api, ca)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(s.cfg.BindAddress, strconv.Itoa(s.cfg.HTTPSPort)))
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	srv := &http.Server{Handler: handler, TLSConfig: tlsCfg, ReadHeaderTimeout: 30 * time.Second, ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelDebug)}
	g.Go(func() error {
		if err := srv.ServeTLS(ln, "", ""); !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("serve: %w", err)
		}
		return nil
	})
	g.Go(func() error {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return srv.Shutdown(sctx)
	})
	g.Go(func() error {
		return (&etcd.Compactor{Client: client, Interval: s.cfg.CompactInterval, Log: s.log}).Run(ctx)
	})
	g.Go(func() error { return s.bootstrap(ctx) })
	g.Go(func() error { return api.RunAllocationRepair(ctx, 0) })
	if !s.cfg.DisableAgent {
		g.Go(func() error { return s.runAgent(ctx, ca) })
	}
	return g.Wait()
}

func (s *Server) startEtcd(ctx context.Context, g *errgroup.Group) ([]string, error) {
	if len(s.cfg.EtcdServers) > 0 {
		return s.cfg.EtcdServers, nil
	}
	e, err := etcd.New(etcd.Config{DataDir: filepath.Join(s.cfg.DataDir, "etcd"), ClientPort: s.cfg.EtcdClientPort, PeerPort: s.cfg.EtcdPeerPort})
	if err != nil {
		return nil, err
	}
	g.Go(func() error { return e.Run(ctx) })
	select {
	case <-e.Ready():
		s.log.Info("embedded etcd ready", "endpoints", e.Endpoints())
		return e.Endpoints(), nil
	case <-ctx.Done():
		return nil, fmt.Errorf("etcd did not start: %w", context.Cause(ctx))
	}
}

// certificates creates or loads the CA, serving certificate and admin kubeconfig.
func (s *Server) certificates() (*tls.Config, *pki.CA, error) {
	dir := filepath.Join(s.cfg.DataDir, "tls")
	ca, err := pki.LoadOrCreateCA(dir, "skiff-ca")
	if err != nil {
		return nil, nil, fmt.Errorf("CA: %w", err)
	}
	hosts := pki.DefaultHosts(s.cfg.TLSSANs)
	if s.cfg.BindAddress != "" && s.cfg.BindAddress != "0.0.0.0" && s.cfg.BindAddress != "::" {
		hosts = append(hosts, s.cfg.BindAddress)
	}
	certFile, keyFile, err := ca.EnsureServingCert(dir, "serving", hosts)
	if err != nil {
		return nil, nil, fmt.Errorf("serving certificate: %w", err)
	}
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, nil, err
	}
	certPEM, keyPEM, err := ca.EnsureClientCert(dir, "admin", "admin", []string{"system:masters"})
	if err != nil {
		return nil, nil, fmt.Errorf("admin certificate: %w", err)
	}
	if err := pki.WriteKubeconfig(s.cfg.KubeconfigPath, s.URL(), "skiff", ca.CertPEM(), certPEM, keyPEM); err != nil {
		return nil, nil, err
	}
	s.log.Info("admin kubeconfig written", "path", s.cfg.KubeconfigPath)
	return &tls.Config{Certificates: []tls.Certificate{cert}, ClientAuth: tls.VerifyClientCertIfGiven, ClientCAs: ca.Pool(), MinVersion: tls.VersionTLS12, NextProtos: []string{"h2", "http/1.1"}}, ca, nil
}

// URL is the loopback URL of the API server.
func (s *Server) URL() string {
	host := "127.0.0.1"
	if s.cfg.BindAddress != "" && s.cfg.BindAddress != "0.0.0.0" && s.cfg.BindAddress != "::" {
		host = s.cfg.BindAddress
	}
	return "https://" + net.JoinHostPort(host, strconv.Itoa(s.cfg.HTTPSPort))
}

func (s *Server) apiServer(client *clientv3.Client, kubeletTLS *tls.Config) (*apiserver.Server, error) {
	scheme, err := apiserver.NewScheme()
	if err != nil {
		return nil, err
	}
	var res []openapi.Resource
	for _, r := range apiserver.Resources() {
		res = append(res, openapi.Resource{GVK: r.GVK, Resource: r.Resource, Namespaced: r.Namespaced, Subresources: r.Subresources, Verbs: r.Verbs})
	}
	spec, err := openapi.New(scheme, res)
	if err != nil {
		return nil, fmt.Errorf("openapi: %w", err)
	}
	api, err := apiserver.New(apiserver.Config{
		Etcd: client, Authenticator: apiserver.CertAuthenticator{}, OpenAPI: spec, Version: s.cfg.Version, Log: s.log,
		ExternalAddress: net.JoinHostPort("127.0.0.1", strconv.Itoa(s.cfg.HTTPSPort)), KubeletTLS: kubeletTLS,
		ServiceCIDR: s.cfg.ServiceCIDR, NodePortRange: s.cfg.NodePortRange,
	})
	if err != nil {
		return nil, err
	}
	api.SetReadyCheck(func(context.Context) error {
		select {
		case <-s.ready:
			return nil
		default:
			return errors.New("bootstrapping")
		}
	})
	return api, nil
}
