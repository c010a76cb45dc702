package proxy

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	v1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	corelisters "k8s.io/client-go/listers/core/v1"
	discoverylisters "k8s.io/client-go/listers/discovery/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/utils/clock"
)

// Modes of Config.Mode.
const (
	ModeNFTables = "nftables"
	ModeIPTables = "iptables"
)

// Config configures a Proxy. Client and NodeName are required.
type Config struct {
	Client   kubernetes.Interface
	NodeName string
	// NodeIPs are the node's addresses (logged; node ports answer on every local address).
	NodeIPs []string
	// ClusterCIDR is the pod network (default 10.42.0.0/16): see Ruleset.ClusterCIDR.
	ClusterCIDR string
	// Mode is ModeNFTables (default; falls back to iptables when nft does not work) or
	// ModeIPTables.
	Mode string
	// Backend, when set, replaces Mode (tests).
	Backend Backend
	// MinSyncInterval spaces syncs so bursts coalesce (default 100ms); ResyncInterval is the
	// period of full re-syncs that repair drift (default 30s).
	MinSyncInterval, ResyncInterval time.Duration
	// CleanupOnStop removes the rules when Run returns. Off by default: as upstream, rules
	// stay across restarts so traffic keeps flowing.
	CleanupOnStop bool
	// GateTimeout caps how long TerminationGate holds a pod (default 10s).
	GateTimeout time.Duration
	// Metrics, when set, registers the sync metrics.
	Metrics prometheus.Registerer
	Clock   clock.WithTicker
	Log     *slog.Logger
}

// Proxy keeps the node's service rules in step with Services and EndpointSlices.
type Proxy struct {
	cfg      Config
	log      *slog.Logger
	informer informers.SharedInformerFactory
	leases   informers.SharedInformerFactory
	services corelisters.ServiceLister
	slices   discoverylisters.EndpointSliceLister
	trigger  chan struct{}
	// seenRV is the highest EndpointSlice resourceVersion delivered to the cache; appliedRV
	// the highest one whose rules are in the kernel (read by the lease publisher).
	seenRV, appliedRV atomic.Uint64
	// healthy is true while the last sync succeeded.
	healthy atomic.Bool
	applied chan struct{}
	last    Ruleset
	metrics metrics
	gate    *gate
}

// New validates cfg and prepares the informers; it starts nothing.
func New(cfg Config) (*Proxy, error) {
	if cfg.Client == nil || cfg.NodeName == "" {
		return nil, errors.New("proxy: Client and NodeName are required")
	}
	switch cfg.Mode {
	case "":
		cfg.Mode = ModeNFTables
	case ModeNFTables, ModeIPTables:
	default:
		return nil, fmt.Errorf("proxy: unknown mode %q (nftables or iptables)", cfg.Mode)
	}
	if cfg.ClusterCIDR == "" {
		cfg.ClusterCIDR = "10.42.0.0/16"
	}
	if cfg.MinSyncInterval == 0 {
		cfg.MinSyncInterval = 100 * time.Millisecond
	}
	if cfg.ResyncInterval == 0 {
		cfg.ResyncInterval = 30 * time.Second
	}
	if cfg.GateTimeout == 0 {
		cfg.GateTimeout = 10 * time.Second
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.RealClock{}
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	p := &Proxy{
		cfg:      cfg,
		log:      cfg.Log.With("component", "proxy", "node", cfg.NodeName),
		informer: informers.NewSharedInformerFactory(cfg.Client, 0),
		leases:   informers.NewSharedInformerFactoryWithOptions(cfg.Client, 0, informers.WithNamespace(LeaseNamespace)),
		trigger:  make(chan struct{}, 1),
		applied:  make(chan struct{}, 1),
		metrics:  newMetrics(cfg.Metrics),
	}
	p.services = p.informer.Core().V1().Services().Lister()
	p.slices = p.informer.Discovery().V1().EndpointSlices().Lister()
	p.gate = newGate(p)
	return p, nil
}

// Run programs the rules and keeps them in step until ctx ends (then returns nil). It fails
// when no backend works.
func (p *Proxy) Run(ctx context.Context) error {
	backend, err := p.backend(ctx)
	if err != nil {
		return err
	}
	if err := PrepareKernel(); err != nil {
		p.log.Warn("kernel settings", "err", err)
	}
	on := cache.ResourceEventHandlerFuncs{
		AddFunc: func(any) { p.poke() }, UpdateFunc: func(any, any) { p.poke() }, DeleteFunc: func(any) { p.poke() },
	}
	p.informer.Core().V1().Services().Informer().AddEventHandler(on)
	p.informer.Discovery().V1().EndpointSlices().Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc: p.sliceEvent, UpdateFunc: func(_, o any) { p.sliceEvent(o) }, DeleteFunc: p.sliceEvent,
	})
	p.gate.start()
	p.informer.Start(ctx.Done())
	p.leases.Start(ctx.Done())
	defer p.informer.Shutdown()
	defer p.leases.Shutdown()
	for typ, ok := range p.informer.WaitForCacheSync(ctx.Done()) {
		if !ok {
			return fmt.Errorf("proxy: %v cache did not sync: %w", typ, context.Cause(ctx))
		}
	}
	p.log.Info("proxy started", "backend", backend.Name(), "nodeIPs", p.cfg.NodeIPs, "clusterCIDR", p.cfg.ClusterCIDR)
	done := make(chan struct{})
	go func() { defer close(done); p.publish(ctx) }()
	p.loop(ctx, backend)
	<-done
	if p.cfg.CleanupOnStop {
		if err := backend.Cleanup(context.WithoutCancel(ctx)); err != nil {
			p.log.Warn("cleanup", "err", err)
		}
	}
	return nil
}

// backend picks the configured backend; nftables falls back to iptables. The other
// backend's leftovers (a mode switch) are removed.
func (p *Proxy) backend(ctx context.Context) (Backend, error) {
	if p.cfg.Backend != nil {
		return p.cfg.Backend, nil
	}
	if p.cfg.Mode == ModeNFTables {
		b, err := NewNFTables()
		if err == nil {
			if ipt, err := NewIPTables(); err == nil && hasIPTChains(ctx) {
				ipt.Cleanup(ctx) // best effort: rules of an earlier iptables-mode run
			}
			return b, nil
		}
		p.log.Warn("nftables unavailable, using iptables", "err", err)
	} else if nft, err := NewNFTables(); err == nil {
		nft.Cleanup(ctx) // best effort: the table of an earlier nftables-mode run
	}
	return NewIPTables()
}

func (p *Proxy) poke() {
	select {
	case p.trigger <- struct{}{}:
	default:
	}
}

// sliceEvent records the slice's resourceVersion as seen (the cache already holds it) and
// asks for a sync.
func (p *Proxy) sliceEvent(obj any) {
	if d, ok := obj.(cache.DeletedFinalStateUnknown); ok {
		obj = d.Obj
	}
	if s, ok := obj.(*discoveryv1.EndpointSlice); ok {
		if rv, err := strconv.ParseUint(s.ResourceVersion, 10, 64); err == nil {
			for cur := p.seenRV.Load(); rv > cur && !p.seenRV.CompareAndSwap(cur, rv); cur = p.seenRV.Load() {
			}
		}
	}
	p.poke()
}

// loop syncs on changes (at most one sync per MinSyncInterval) and fully every
// ResyncInterval; a failed partial sync is retried in full at once, a failed full one after
// a second.
func (p *Proxy) loop(ctx context.Context, b Backend) {
	resync := p.cfg.Clock.NewTicker(p.cfg.ResyncInterval)
	defer resync.Stop()
	var retry <-chan time.Time
	full := true
	p.poke()
	for {
		select {
		case <-ctx.Done():
			return
		case <-p.trigger:
		case <-retry:
		case <-resync.C():
			full = true
		}
		start := p.cfg.Clock.Now()
		err := p.sync(ctx, b, full)
		if err != nil && !full { // e.g. the table was deleted under us: rebuild it at once
			p.log.Warn("partial sync failed, syncing in full", "err", err)
			err = p.sync(ctx, b, true)
		}
		if err != nil {
			p.log.Error("sync failed", "err", err)
			p.healthy.Store(false)
			full, retry = true, p.cfg.Clock.After(time.Second)
		} else {
			full, retry = false, nil
		}
		select { // coalesce: changes arriving meanwhile wait for the next slot
		case <-ctx.Done():
			return
		case <-p.cfg.Clock.After(p.cfg.MinSyncInterval - p.cfg.Clock.Since(start)):
		}
	}
}

// sync computes the rules from the caches and applies them.
func (p *Proxy) sync(ctx context.Context, b Backend, full bool) error {
	rv := p.seenRV.Load() // before the snapshot: the snapshot holds at least this
	svcs, err := p.services.List(labels.Everything())
	if err != nil {
		return err
	}
	eps, err := p.slices.List(labels.Everything())
	if err != nil {
		return err
	}
	start := p.cfg.Clock.Now()
	rs := Compute(svcs, eps, NodeInfo{Name: p.cfg.NodeName, ClusterCIDR: p.cfg.ClusterCIDR})
	if err := b.Apply(ctx, rs, full); err != nil {
		return err
	}
	p.metrics.observe(p.cfg.Clock.Since(start), p.cfg.Clock.Now(), full)
	if err := flushFlows(staleUDPFlows(p.last, rs)); err != nil {
		p.log.Warn("conntrack", "err", err)
	}
	p.last = rs
	p.appliedRV.Store(rv)
	p.healthy.Store(true)
	select {
	case p.applied <- struct{}{}:
	default:
	}
	p.log.Debug("synced", "services", len(rs.Services), "full", full, "took", p.cfg.Clock.Since(start), "rv", rv)
	return nil
}

// TerminationGate blocks until no live proxy sends new connections to pod any more: every
// EndpointSlice listing it shows it not ready and every live proxy has applied those
// slices; or until the pod's grace period or GateTimeout has passed since the first call
// for this pod (then it returns an error saying what it waited for). Later calls for a pod
// already let through return at once. Safe for concurrent use; meant for the kubelet
// (kubelet.Config.TerminationGate), called before preStop hooks and SIGTERM.
func (p *Proxy) TerminationGate(ctx context.Context, pod *v1.Pod) error {
	return p.gate.wait(ctx, pod)
}

// sleep sleeps for d; false when ctx ended first.
func sleep(ctx context.Context, c clock.Clock, d time.Duration) bool {
	select {
	case <-ctx.Done():
		return false
	case <-c.After(d):
		return true
	}
}
