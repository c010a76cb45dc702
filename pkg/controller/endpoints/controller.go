package endpoints

import (
	"context"
	"log/slog"

	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	corelisters "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/record"
	"k8s.io/client-go/util/workqueue"

	"skiff/pkg/controller/loop"
	"skiff/pkg/controller/podendpoint"
)

// Controller keeps the Endpoints objects of Services with selectors.
type Controller struct {
	cs     kubernetes.Interface
	src    *podendpoint.Source
	eps    corelisters.EndpointsLister
	synced []cache.InformerSynced
	rec    record.EventRecorder
	log    *slog.Logger
	queue  workqueue.TypedRateLimitingInterface[string]
}

// New returns a controller whose Service, pod and Endpoints informers are registered with f
// (which the caller starts); it does no I/O. Failed writes are recorded as events with rec
// on the Service.
func New(cs kubernetes.Interface, f informers.SharedInformerFactory, rec record.EventRecorder, log *slog.Logger) *Controller {
	q := loop.NewQueue[string]("endpoints")
	epInf := f.Core().V1().Endpoints()
	c := &Controller{cs: cs, src: podendpoint.Watch(f, q), eps: epInf.Lister(), rec: rec,
		log: log.With("controller", "endpoints"), queue: q}
	c.synced = append(c.src.Synced, epInf.Informer().HasSynced)
	// An Endpoints object deleted by someone else is recreated (or, without a Service, stays gone).
	_, _ = epInf.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{DeleteFunc: loop.Enqueue(q)})
	return c
}

// Run waits for the caches to sync, then runs workers until ctx ends; it blocks and returns nil.
func (c *Controller) Run(ctx context.Context, workers int) error {
	return loop.Run(ctx, c.queue, workers, c.synced, loop.NoRequeue(c.sync), c.log)
}
