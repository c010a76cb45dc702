package cronjob

import (
	"context"
	"log/slog"
	"sync"

	batchv1 "k8s.io/api/batch/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	batchlisters "k8s.io/client-go/listers/batch/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/record"
	"k8s.io/client-go/util/workqueue"
	"k8s.io/utils/clock"
)

// Controller creates Jobs from CronJobs on schedule.
type Controller struct {
	cs     kubernetes.Interface
	cjs    batchlisters.CronJobLister
	jobs   batchlisters.JobLister
	synced []cache.InformerSynced
	rec    record.EventRecorder
	clk    clock.WithTicker
	log    *slog.Logger
	queue  workqueue.TypedRateLimitingInterface[string]
}

// New returns a controller whose CronJob and Job informers are registered with f (which the
// caller starts); it does no I/O. clk is the time schedules are evaluated at; the workqueue's
// timed resyncs also wait on it, so a fake clock drives the controller in tests.
func New(cs kubernetes.Interface, f informers.SharedInformerFactory, rec record.EventRecorder, clk clock.WithTicker, log *slog.Logger) *Controller {
	cjInf, jobInf := f.Batch().V1().CronJobs(), f.Batch().V1().Jobs()
	c := &Controller{
		cs: cs, cjs: cjInf.Lister(), jobs: jobInf.Lister(), rec: rec, clk: clk, log: log.With("controller", "cronjob"),
		queue: workqueue.NewTypedRateLimitingQueueWithConfig(workqueue.DefaultTypedControllerRateLimiter[string](),
			workqueue.TypedRateLimitingQueueConfig[string]{Name: "cronjob", Clock: clk}),
	}
	c.synced = []cache.InformerSynced{cjInf.Informer().HasSynced, jobInf.Informer().HasSynced}
	_, _ = cjInf.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc: c.enqueue, UpdateFunc: func(_, n any) { c.enqueue(n) }, DeleteFunc: c.enqueue,
	})
	_, _ = jobInf.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc: c.enqueueOwner, UpdateFunc: func(_, n any) { c.enqueueOwner(n) }, DeleteFunc: c.enqueueOwner,
	})
	return c
}

// Run waits for the caches to sync, then runs workers until ctx ends; it returns nil.
func (c *Controller) Run(ctx context.Context, workers int) error {
	defer c.queue.ShutDown()
	if !cache.WaitForCacheSync(ctx.Done(), c.synced...) {
		return nil
	}
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for c.next(ctx) {
			}
		})
	}
	<-ctx.Done()
	c.queue.ShutDown()
	wg.Wait()
	return nil
}

func (c *Controller) next(ctx context.Context) bool {
	key, quit := c.queue.Get()
	if quit {
		return false
	}
	defer c.queue.Done(key)
	requeue, err := c.sync(ctx, key)
	if err != nil {
		c.log.Warn("sync failed", "cronjob", key, "err", err)
		c.queue.AddRateLimited(key)
		return true
	}
	c.queue.Forget(key)
	if requeue > 0 {
		c.queue.AddAfter(key, requeue)
	}
	return true
}

func (c *Controller) enqueue(obj any) {
	if key, err := cache.DeletionHandlingMetaNamespaceKeyFunc(obj); err == nil {
		c.queue.Add(key)
	}
}

func (c *Controller) enqueueOwner(obj any) {
	if tomb, ok := obj.(cache.DeletedFinalStateUnknown); ok {
		obj = tomb.Obj
	}
	j, ok := obj.(*batchv1.Job)
	if !ok {
		return
	}
	if ref := metav1.GetControllerOf(j); ref != nil && ref.Kind == "CronJob" {
		c.queue.Add(j.Namespace + "/" + ref.Name)
	}
}
