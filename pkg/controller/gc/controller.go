package gc

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/metadata"
	"k8s.io/client-go/metadata/metadatainformer"
	"k8s.io/client-go/restmapper"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/record"
	"k8s.io/client-go/util/workqueue"
	"k8s.io/utils/clock"

	"skiff/pkg/controller/loop"
)

// rediscoverEvery is how often the collector looks for new resources to watch.
const rediscoverEvery = 30 * time.Second

// objKey names one object of one resource.
type objKey struct {
	gvr       schema.GroupVersionResource
	namespace string
	name      string
}

// String names the object in logs: "resource.group/version namespace/name".
func (k objKey) String() string { return k.gvr.String() + " " + k.cacheKey() }

func (k objKey) cacheKey() string {
	if k.namespace == "" {
		return k.name
	}
	return k.namespace + "/" + k.name
}

// Controller is the garbage collector.
type Controller struct {
	md     metadata.Interface
	disc   discovery.DiscoveryInterface
	mapper *restmapper.DeferredDiscoveryRESTMapper
	mons   *monitors
	rec    record.EventRecorder
	clk    clock.WithTicker
	log    *slog.Logger
	queue  workqueue.TypedRateLimitingInterface[objKey]
}

// New returns a collector that watches object metadata through md and discovers resources
// through cs. It does no I/O; Run starts it. Events are recorded with rec.
func New(cs kubernetes.Interface, md metadata.Interface, rec record.EventRecorder, clk clock.WithTicker, log *slog.Logger) *Controller {
	disc := cs.Discovery()
	return &Controller{
		md: md, disc: disc, rec: rec, clk: clk, log: log.With("controller", "garbagecollector"),
		mapper: restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(disc)),
		mons:   newMonitors(metadatainformer.NewSharedInformerFactory(md, 0)),
		queue:  loop.NewQueue[objKey]("garbagecollector"),
	}
}

// Run discovers resources, watches them, and collects garbage with the given number of
// workers until ctx ends; it blocks and returns nil. Discovery is retried until it succeeds.
func (c *Controller) Run(ctx context.Context, workers int) error {
	defer c.queue.ShutDown()
	defer c.mons.f.Shutdown()
	for c.rediscover(ctx) != nil {
		select {
		case <-ctx.Done():
			return nil
		case <-c.clk.After(time.Second):
		}
	}
	if !cache.WaitForCacheSync(ctx.Done(), c.mons.synced) {
		return nil
	}
	var wg sync.WaitGroup
	defer wg.Wait()
	wg.Go(func() { loop.Work(ctx, c.queue, workers, loop.NoRequeue(c.reconcile), c.log) })
	t := c.clk.NewTicker(rediscoverEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C():
			if err := c.rediscover(ctx); err != nil {
				c.log.Warn("discovery failed", "err", err)
			}
		}
	}
}

// rediscover starts informers for resources not watched yet.
func (c *Controller) rediscover(ctx context.Context) error {
	gvrs, err := gcResources(c.disc)
	n, aerr := c.mons.ensure(gvrs, c.handler)
	if n > 0 {
		c.mapper.Reset()
		c.mons.f.Start(ctx.Done())
		c.log.Debug("watching new resources", "count", n)
	}
	if aerr != nil {
		return aerr
	}
	return err
}

// handler returns the event handler for one resource's informer.
func (c *Controller) handler(gvr schema.GroupVersionResource) cache.ResourceEventHandler {
	return cache.ResourceEventHandlerFuncs{
		AddFunc: func(obj any) { c.changed(gvr, nil, obj) },
		UpdateFunc: func(old, obj any) {
			c.changed(gvr, old, obj)
		},
		DeleteFunc: func(obj any) { c.deleted(obj) },
	}
}

// changed enqueues an added or updated object, and owners of it that wait on their dependents.
func (c *Controller) changed(gvr schema.GroupVersionResource, old, obj any) {
	o, err := meta.Accessor(obj)
	if err != nil {
		return
	}
	if len(o.GetOwnerReferences()) > 0 || phaseOf(o) != ownerIdle {
		c.queue.Add(objKey{gvr: gvr, namespace: o.GetNamespace(), name: o.GetName()})
	}
	if old != nil {
		c.enqueueWaitingOwners(old)
	}
}

// deleted enqueues the dependents of a deleted object and its owners waiting on it.
func (c *Controller) deleted(obj any) {
	if t, ok := obj.(cache.DeletedFinalStateUnknown); ok {
		obj = t.Obj
	}
	o, err := meta.Accessor(obj)
	if err != nil {
		return
	}
	for _, d := range c.mons.dependents(o.GetUID()) {
		c.queue.Add(keyOf(d))
	}
	c.enqueueWaitingOwners(obj)
}

// enqueueWaitingOwners enqueues the cached owners of obj that are in foreground deletion.
func (c *Controller) enqueueWaitingOwners(obj any) {
	o, err := meta.Accessor(obj)
	if err != nil {
		return
	}
	for _, r := range o.GetOwnerReferences() {
		if owner, ok := c.mons.lookup(r.UID); ok && phaseOf(owner.obj) == ownerForeground {
			c.queue.Add(keyOf(owner))
		}
	}
}

func keyOf(l located) objKey {
	return objKey{gvr: l.gvr, namespace: l.obj.GetNamespace(), name: l.obj.GetName()}
}
