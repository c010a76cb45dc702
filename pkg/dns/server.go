package dns

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/miekg/dns"
	v1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
)

// Config configures a Server.
type Config struct {
	// Client reads Services and EndpointSlices (list and watch, all namespaces).
	Client kubernetes.Interface
	// Domain is the cluster domain (default "cluster.local").
	Domain string
	// Addr is where the server listens, UDP and TCP on the same port (default ":53"); with
	// port 0 a free port is picked (see Addr).
	Addr string
	// Upstreams are the resolvers (host:port) of other names; nil: the nameservers of
	// ResolvConf, read when Run starts.
	Upstreams []string
	// ResolvConf is the host's resolver file (default /etc/resolv.conf).
	ResolvConf string
	Log        *slog.Logger
}

// Server is a cluster DNS server.
type Server struct {
	cfg   Config
	ix    *index
	log   *slog.Logger
	ready chan struct{}
	addr  net.Addr
}

// New validates and defaults cfg; it starts nothing.
func New(cfg Config) (*Server, error) {
	if cfg.Client == nil {
		return nil, errors.New("dns: a client is required")
	}
	if cfg.Domain == "" {
		cfg.Domain = "cluster.local"
	}
	if _, ok := dns.IsDomainName(cfg.Domain); !ok {
		return nil, fmt.Errorf("dns: invalid cluster domain %q", cfg.Domain)
	}
	if cfg.Addr == "" {
		cfg.Addr = ":53"
	}
	if cfg.ResolvConf == "" {
		cfg.ResolvConf = "/etc/resolv.conf"
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	return &Server{cfg: cfg, ix: newIndex(cfg.Domain), log: cfg.Log.With("component", "dns"), ready: make(chan struct{})}, nil
}

// Ready is closed once the caches are synced and the server listens.
func (s *Server) Ready() <-chan struct{} { return s.ready }

// Addr is the UDP address the server listens on (TCP uses the same port); valid after Ready.
func (s *Server) Addr() net.Addr { return s.addr }

// Run syncs the caches, listens and answers until ctx ends (nil) or listening fails.
func (s *Server) Run(ctx context.Context) error {
	factory := informers.NewSharedInformerFactoryWithOptions(s.cfg.Client, 0, informers.WithTransform(stripManagedFields))
	synced, err := s.watch(factory)
	if err != nil {
		return err
	}
	factory.Start(ctx.Done())
	defer factory.Shutdown()
	// The handlers' own sync: every object listed at start is in the index.
	if !cache.WaitForCacheSync(ctx.Done(), synced...) {
		if ctx.Err() != nil {
			return nil
		}
		return errors.New("dns: caches did not sync")
	}
	pc, ln, err := listen(s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("dns: listen on %s: %w", s.cfg.Addr, err)
	}
	s.addr = pc.LocalAddr()
	upstreams := s.cfg.Upstreams
	if upstreams == nil {
		if upstreams, err = resolvers(s.cfg.ResolvConf, s.addr); err != nil {
			pc.Close()
			ln.Close()
			return fmt.Errorf("dns: %w", err)
		}
	}
	h := &handler{ix: s.ix, fwd: newForwarder(upstreams), log: s.log}
	return s.serve(ctx, h, pc, ln, upstreams)
}

// serve runs the UDP and TCP servers until ctx ends.
func (s *Server) serve(ctx context.Context, h dns.Handler, pc net.PacketConn, ln net.Listener, upstreams []string) error {
	started := make(chan struct{}, 2)
	notify := func() { started <- struct{}{} }
	udp := &dns.Server{PacketConn: pc, Handler: h, NotifyStartedFunc: notify}
	tcp := &dns.Server{Listener: ln, Handler: h, ReadTimeout: 5 * time.Second, NotifyStartedFunc: notify}
	errs := make(chan error, 2)
	go func() { errs <- udp.ActivateAndServe() }()
	go func() { errs <- tcp.ActivateAndServe() }()
	// Both servers must have started for Shutdown to stop them.
	for range 2 {
		select {
		case <-started:
		case err := <-errs:
			udp.Shutdown()
			tcp.Shutdown()
			return fmt.Errorf("dns: serve: %w", err)
		}
	}
	s.log.Info("cluster DNS serving", "addr", s.addr.String(), "domain", s.ix.domain, "upstreams", strings.Join(upstreams, ","))
	close(s.ready)
	var err error
	select {
	case <-ctx.Done():
	case err = <-errs:
		err = fmt.Errorf("dns: serve: %w", err)
	}
	udp.Shutdown()
	tcp.Shutdown()
	return err
}

// listen opens UDP on addr and TCP on the same port.
func listen(addr string) (net.PacketConn, net.Listener, error) {
	pc, err := net.ListenPacket("udp", addr)
	if err != nil {
		return nil, nil, err
	}
	ln, err := net.Listen("tcp", pc.LocalAddr().String())
	if err != nil {
		pc.Close()
		return nil, nil, err
	}
	return pc, ln, nil
}

// watch feeds the index from Service and EndpointSlice informers; it returns the handlers'
// HasSynced functions.
func (s *Server) watch(f informers.SharedInformerFactory) ([]cache.InformerSynced, error) {
	svcs := f.Core().V1().Services().Informer()
	svcReg, err := svcs.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    func(o any) { s.ix.setService(o.(*v1.Service)) },
		UpdateFunc: func(_, o any) { s.ix.setService(o.(*v1.Service)) },
		DeleteFunc: func(o any) {
			if k, err := cache.DeletionHandlingObjectToName(o); err == nil {
				s.ix.deleteService(k.Namespace, k.Name)
			}
		},
	})
	if err != nil {
		return nil, err
	}
	slices := f.Discovery().V1().EndpointSlices().Informer()
	sliceReg, err := slices.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    func(o any) { s.ix.setSlice(o.(*discoveryv1.EndpointSlice)) },
		UpdateFunc: func(_, o any) { s.ix.setSlice(o.(*discoveryv1.EndpointSlice)) },
		DeleteFunc: func(o any) {
			if k, err := cache.DeletionHandlingObjectToName(o); err == nil {
				s.ix.deleteSlice(k.Namespace, k.Name)
			}
		},
	})
	if err != nil {
		return nil, err
	}
	return []cache.InformerSynced{svcReg.HasSynced, sliceReg.HasSynced}, nil
}

// stripManagedFields drops what DNS never reads from cached objects.
func stripManagedFields(o any) (any, error) {
	if m, ok := o.(metav1.Object); ok {
		m.SetManagedFields(nil)
	}
	return o, nil
}
