package nodelifecycle

import (
	"context"
	"log/slog"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	coordlisters "k8s.io/client-go/listers/coordination/v1"
	corelisters "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/record"
	"k8s.io/client-go/util/workqueue"
	"k8s.io/utils/clock"

	"skiff/pkg/controller/loop"
)

// Skiff's defaults (upstream: 40 s grace, 5 s monitor period). Agents renew their lease every
// few seconds, so 15 s tolerates a missed renewal or two.
const (
	DefaultGracePeriod   = 15 * time.Second
	DefaultMonitorPeriod = 2 * time.Second
)

// LeaseNamespace holds the node heartbeat leases.
const LeaseNamespace = corev1.NamespaceNodeLease

// podsByNode indexes pods by spec.nodeName.
const podsByNode = "nodelifecycle-node"

// Config tunes the controller. Zero fields take the defaults above.
type Config struct {
	// GracePeriod is how long a node may go without a heartbeat before it is Unknown
	// (--node-monitor-grace-period).
	GracePeriod time.Duration
	// MonitorPeriod is how often node heartbeats are checked (--node-monitor-period).
	MonitorPeriod time.Duration
}

func (c Config) withDefaults() Config {
	if c.GracePeriod <= 0 {
		c.GracePeriod = DefaultGracePeriod
	}
	if c.MonitorPeriod <= 0 {
		c.MonitorPeriod = DefaultMonitorPeriod
	}
	return c
}

// Controller monitors node heartbeats and taints and evicts pods from NoExecute-tainted nodes.
type Controller struct {
	cfg    Config
	cs     kubernetes.Interface
	nodes  corelisters.NodeLister
	leases coordlisters.LeaseLister
	pods   cache.Indexer
	synced []cache.InformerSynced
	rec    record.EventRecorder
	clk    clock.WithTicker
	log    *slog.Logger
	// evictions is keyed by node name.
	evictions workqueue.TypedRateLimitingInterface[string]
	// probes is owned by the monitor goroutine.
	probes map[string]probe
}

// New registers node, lease and pod informers with f (which the caller starts); it does no
// I/O. clk drives heartbeat ages, taint times and eviction deadlines.
func New(cs kubernetes.Interface, f informers.SharedInformerFactory, rec record.EventRecorder, clk clock.WithTicker, log *slog.Logger, cfg Config) *Controller {
	nodeInf, leaseInf, podInf := f.Core().V1().Nodes(), f.Coordination().V1().Leases(), f.Core().V1().Pods()
	c := &Controller{
		cfg: cfg.withDefaults(), cs: cs, nodes: nodeInf.Lister(), leases: leaseInf.Lister(), pods: podInf.Informer().GetIndexer(),
		rec: rec, clk: clk, log: log.With("controller", "nodelifecycle"), probes: map[string]probe{},
		synced:    []cache.InformerSynced{nodeInf.Informer().HasSynced, leaseInf.Informer().HasSynced, podInf.Informer().HasSynced},
		evictions: loop.NewQueueOnClock[string]("nodelifecycle-eviction", clk),
	}
	_ = podInf.Informer().AddIndexers(cache.Indexers{podsByNode: func(obj any) ([]string, error) {
		if p, ok := obj.(*corev1.Pod); ok && p.Spec.NodeName != "" {
			return []string{p.Spec.NodeName}, nil
		}
		return nil, nil
	}})
	_, _ = nodeInf.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc: c.nodeChanged, UpdateFunc: func(_, n any) { c.nodeChanged(n) },
	})
	_, _ = podInf.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc: c.podChanged, UpdateFunc: func(_, n any) { c.podChanged(n) },
	})
	return c
}

func (c *Controller) nodeChanged(obj any) {
	if n, ok := obj.(*corev1.Node); ok && hasNoExecute(n.Spec.Taints) {
		c.evictions.Add(n.Name)
	}
}

func (c *Controller) podChanged(obj any) {
	if p, ok := obj.(*corev1.Pod); ok && p.Spec.NodeName != "" && p.DeletionTimestamp == nil {
		if n, err := c.nodes.Get(p.Spec.NodeName); err == nil && hasNoExecute(n.Spec.Taints) {
			c.evictions.Add(n.Name)
		}
	}
}

func hasNoExecute(ts []corev1.Taint) bool {
	for _, t := range ts {
		if t.Effect == corev1.TaintEffectNoExecute {
			return true
		}
	}
	return false
}

// Run waits for the caches, then monitors nodes every MonitorPeriod and evicts pods with
// workers goroutines until ctx ends; it blocks and returns nil.
func (c *Controller) Run(ctx context.Context, workers int) error {
	defer c.evictions.ShutDown()
	if !cache.WaitForCacheSync(ctx.Done(), c.synced...) {
		return nil
	}
	var wg sync.WaitGroup
	defer wg.Wait()
	wg.Go(func() { loop.Work(ctx, c.evictions, workers, c.evict, c.log) })
	t := c.clk.NewTicker(c.cfg.MonitorPeriod)
	defer t.Stop()
	for {
		c.monitor(ctx)
		select {
		case <-ctx.Done():
			return nil
		case <-t.C():
		}
	}
}
