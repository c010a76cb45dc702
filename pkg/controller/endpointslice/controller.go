package endpointslice

import (
	"context"
	"log/slog"

	discoveryv1 "k8s.io/api/discovery/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	corelisters "k8s.io/client-go/listers/core/v1"
	discoverylisters "k8s.io/client-go/listers/discovery/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/record"
	"k8s.io/client-go/util/workqueue"
	"k8s.io/utils/clock"

	"skiff/pkg/controller/loop"
	"skiff/pkg/controller/podendpoint"
)

// DefaultMaxEndpointsPerSlice is upstream's --max-endpoints-per-slice default.
const DefaultMaxEndpointsPerSlice = 100

// Config tunes the controller; zero fields take the defaults.
type Config struct {
	// MaxEndpointsPerSlice caps the endpoints of one slice (--max-endpoints-per-slice, 1-1000).
	MaxEndpointsPerSlice int
}

// Controller keeps the EndpointSlices of Services with selectors.
type Controller struct {
	cfg    Config
	cs     kubernetes.Interface
	src    *podendpoint.Source
	slices discoverylisters.EndpointSliceLister
	nodes  corelisters.NodeLister
	synced []cache.InformerSynced
	rec    record.EventRecorder
	clk    clock.PassiveClock
	log    *slog.Logger
	queue  workqueue.TypedRateLimitingInterface[string]
	track  *tracker
}

// New returns a controller whose Service, pod, node and EndpointSlice informers are registered
// with f (which the caller starts); it does no I/O. Failed writes are recorded as events with
// rec on the Service; clk times out writes the cache never shows.
func New(cs kubernetes.Interface, f informers.SharedInformerFactory, rec record.EventRecorder, clk clock.PassiveClock, log *slog.Logger, cfg Config) *Controller {
	if cfg.MaxEndpointsPerSlice <= 0 {
		cfg.MaxEndpointsPerSlice = DefaultMaxEndpointsPerSlice
	}
	cfg.MaxEndpointsPerSlice = min(cfg.MaxEndpointsPerSlice, 1000)
	q := loop.NewQueue[string]("endpointslice")
	sliceInf, nodeInf := f.Discovery().V1().EndpointSlices(), f.Core().V1().Nodes()
	c := &Controller{
		cfg: cfg, cs: cs, src: podendpoint.Watch(f, q), slices: sliceInf.Lister(), nodes: nodeInf.Lister(),
		rec: rec, clk: clk, log: log.With("controller", "endpointslice"), queue: q, track: newTracker(clk),
	}
	c.synced = append(c.src.Synced, sliceInf.Informer().HasSynced, nodeInf.Informer().HasSynced)
	_, _ = sliceInf.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc: c.sliceChanged, UpdateFunc: func(_, n any) { c.sliceChanged(n) }, DeleteFunc: c.sliceDeleted,
	})
	return c
}

// Run waits for the caches to sync, then runs workers until ctx ends; it blocks and returns nil.
func (c *Controller) Run(ctx context.Context, workers int) error {
	return loop.Run(ctx, c.queue, workers, c.synced, loop.NoRequeue(c.sync), c.log)
}

// serviceKey returns the key of the Service a managed slice belongs to.
func serviceKey(obj any) (string, *discoveryv1.EndpointSlice, bool) {
	s, ok := loop.Unwrap[*discoveryv1.EndpointSlice](obj)
	if !ok || s.Labels[discoveryv1.LabelManagedBy] != ControllerName || s.Labels[discoveryv1.LabelServiceName] == "" {
		return "", nil, false
	}
	return s.Namespace + "/" + s.Labels[discoveryv1.LabelServiceName], s, true
}

// sliceChanged resyncs the Service of a managed slice someone else wrote. (A sync that
// found the cache behind this controller's own writes retries by itself.)
func (c *Controller) sliceChanged(obj any) {
	if key, s, ok := serviceKey(obj); ok && !c.track.own(key, s) {
		c.queue.Add(key)
	}
}

// sliceDeleted resyncs the Service of a deleted managed slice, to recreate it if needed.
func (c *Controller) sliceDeleted(obj any) {
	if key, s, ok := serviceKey(obj); ok {
		c.track.observeDeleted(key, s.Name)
		c.queue.Add(key)
	}
}
