package cronjob

import (
	"context"
	"log/slog"

	batchv1 "k8s.io/api/batch/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	batchlisters "k8s.io/client-go/listers/batch/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/record"
	"k8s.io/client-go/util/workqueue"
	"k8s.io/utils/clock"

	"skiff/pkg/controller/loop"
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
		queue: loop.NewQueueOnClock[string]("cronjob", clk),
	}
	c.synced = []cache.InformerSynced{cjInf.Informer().HasSynced, jobInf.Informer().HasSynced}
	_, _ = cjInf.Informer().AddEventHandler(loop.Handler(c.queue))
	_, _ = jobInf.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc: c.enqueueOwner, UpdateFunc: func(_, n any) { c.enqueueOwner(n) }, DeleteFunc: c.enqueueOwner,
	})
	return c
}

// Run waits for the caches to sync, then runs workers until ctx ends; it returns nil.
func (c *Controller) Run(ctx context.Context, workers int) error {
	return loop.Run(ctx, c.queue, workers, c.synced, c.sync, c.log)
}

func (c *Controller) enqueueOwner(obj any) {
	j, ok := loop.Unwrap[*batchv1.Job](obj)
	if !ok {
		return
	}
	if ref := metav1.GetControllerOf(j); ref != nil && ref.Kind == "CronJob" {
		c.queue.Add(j.Namespace + "/" + ref.Name)
	}
}
