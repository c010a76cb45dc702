package statefulset

import (
	"context"
	"log/slog"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	appslisters "k8s.io/client-go/listers/apps/v1"
	corelisters "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/record"
	"k8s.io/client-go/util/workqueue"
	"k8s.io/utils/clock"
)

// Controller reconciles StatefulSets with their pods, claims and revisions.
type Controller struct {
	cs     kubernetes.Interface
	sets   appslisters.StatefulSetLister
	pods   corelisters.PodLister
	revs   appslisters.ControllerRevisionLister
	claims corelisters.PersistentVolumeClaimLister
	synced []cache.InformerSynced
	rec    record.EventRecorder
	clk    clock.PassiveClock
	log    *slog.Logger
	queue  workqueue.TypedRateLimitingInterface[string]
}

// New returns a controller whose informers (StatefulSets, pods, ControllerRevisions,
// PersistentVolumeClaims) are registered with f, which the caller starts; it does no I/O.
// Events are recorded with rec; clk gives the time used for minReadySeconds.
func New(cs kubernetes.Interface, f informers.SharedInformerFactory, rec record.EventRecorder, clk clock.PassiveClock, log *slog.Logger) *Controller {
	setInf, podInf := f.Apps().V1().StatefulSets(), f.Core().V1().Pods()
	revInf, pvcInf := f.Apps().V1().ControllerRevisions(), f.Core().V1().PersistentVolumeClaims()
	c := &Controller{
		cs: cs, sets: setInf.Lister(), pods: podInf.Lister(), revs: revInf.Lister(), claims: pvcInf.Lister(),
		rec: rec, clk: clk, log: log.With("controller", "statefulset"),
		queue: workqueue.NewTypedRateLimitingQueueWithConfig(workqueue.DefaultTypedControllerRateLimiter[string](), workqueue.TypedRateLimitingQueueConfig[string]{Name: "statefulset"}),
	}
	c.synced = []cache.InformerSynced{setInf.Informer().HasSynced, podInf.Informer().HasSynced, revInf.Informer().HasSynced, pvcInf.Informer().HasSynced}
	_, _ = setInf.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc: c.enqueue, UpdateFunc: func(_, n any) { c.enqueue(n) }, DeleteFunc: c.enqueue,
	})
	onPod := func(obj any) { c.enqueueOwner(obj) }
	_, _ = podInf.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc: onPod, UpdateFunc: func(_, n any) { onPod(n) }, DeleteFunc: onPod,
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
	switch {
	case err != nil:
		c.log.Warn("sync failed", "statefulset", key, "err", err)
		c.queue.AddRateLimited(key)
	case requeue > 0:
		c.queue.Forget(key)
		c.queue.AddAfter(key, requeue)
	default:
		c.queue.Forget(key)
	}
	return true
}

func (c *Controller) enqueue(obj any) {
	if key, err := cache.DeletionHandlingMetaNamespaceKeyFunc(obj); err == nil {
		c.queue.Add(key)
	}
}

// enqueueOwner enqueues the StatefulSet controlling a pod.
func (c *Controller) enqueueOwner(obj any) {
	if tomb, ok := obj.(cache.DeletedFinalStateUnknown); ok {
		obj = tomb.Obj
	}
	pod, ok := obj.(*corev1.Pod)
	if !ok {
		return
	}
	if ref := metav1.GetControllerOf(pod); ref != nil && ref.Kind == "StatefulSet" {
		c.queue.Add(pod.Namespace + "/" + ref.Name)
	}
}

// minRequeue is the shortest timed resync.
const minRequeue = 100 * time.Millisecond
