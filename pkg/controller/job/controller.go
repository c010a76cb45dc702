package job

import (
	"context"
	"log/slog"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	batchlisters "k8s.io/client-go/listers/batch/v1"
	corelisters "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/record"
	"k8s.io/client-go/util/workqueue"
	"k8s.io/utils/clock"

	"skiff/pkg/controller/expectations"
	"skiff/pkg/controller/loop"
)

// Controller reconciles Jobs with their pods.
type Controller struct {
	cs          kubernetes.Interface
	jobs        batchlisters.JobLister
	pods        corelisters.PodLister
	synced      []cache.InformerSynced
	rec         record.EventRecorder
	clk         clock.PassiveClock
	log         *slog.Logger
	queue       workqueue.TypedRateLimitingInterface[string]
	exp         *expectations.Expectations
	backoffBase time.Duration // first pod-failure backoff (10 s; shortened by tests)
}

// New returns a controller whose Job and pod informers are registered with f (which the caller
// starts); it does no I/O. Events are recorded with rec; clk gives the time for backoff,
// deadlines, TTLs and status timestamps.
func New(cs kubernetes.Interface, f informers.SharedInformerFactory, rec record.EventRecorder, clk clock.PassiveClock, log *slog.Logger) *Controller {
	jobInf, podInf := f.Batch().V1().Jobs(), f.Core().V1().Pods()
	c := &Controller{
		cs: cs, jobs: jobInf.Lister(), pods: podInf.Lister(), rec: rec, clk: clk,
		log:         log.With("controller", "job"),
		queue:       loop.NewQueue[string]("job"),
		exp:         expectations.New(clk),
		backoffBase: defaultBackoffBase,
	}
	c.synced = []cache.InformerSynced{jobInf.Informer().HasSynced, podInf.Informer().HasSynced}
	_, _ = jobInf.Informer().AddEventHandler(loop.Handler(c.queue))
	_, _ = podInf.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc: c.podAdded, UpdateFunc: c.podUpdated, DeleteFunc: c.podDeleted,
	})
	return c
}

// Run waits for the caches to sync, then runs workers until ctx ends; it returns nil.
func (c *Controller) Run(ctx context.Context, workers int) error {
	return loop.Run(ctx, c.queue, workers, c.synced, c.sync, c.log)
}

// ownerKey returns the key of the Job named as pod's controller (whether or not it exists).
func ownerKey(pod *corev1.Pod) (string, bool) {
	ref := metav1.GetControllerOf(pod)
	if ref == nil || ref.Kind != "Job" {
		return "", false
	}
	return pod.Namespace + "/" + ref.Name, true
}

func (c *Controller) podAdded(obj any) {
	pod := obj.(*corev1.Pod)
	if key, ok := ownerKey(pod); ok {
		c.exp.CreationObserved(key)
		c.queue.Add(key)
	}
}

func (c *Controller) podUpdated(oldObj, newObj any) {
	old, cur := oldObj.(*corev1.Pod), newObj.(*corev1.Pod)
	if old.ResourceVersion == cur.ResourceVersion {
		return
	}
	key, ok := ownerKey(cur)
	if !ok {
		return
	}
	if old.DeletionTimestamp == nil && cur.DeletionTimestamp != nil {
		c.exp.DeletionObserved(key, expectations.PodKey(cur))
	}
	c.queue.Add(key)
}

func (c *Controller) podDeleted(obj any) {
	pod, ok := loop.Unwrap[*corev1.Pod](obj)
	if !ok {
		return
	}
	if key, ok := ownerKey(pod); ok {
		if pod.DeletionTimestamp == nil {
			c.exp.DeletionObserved(key, expectations.PodKey(pod))
		}
		c.queue.Add(key)
	}
}

// jobKey is the workqueue key of a Job.
func jobKey(job *batchv1.Job) string { return job.Namespace + "/" + job.Name }
