package statefulset

import (
	"context"
	"log/slog"
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

	"skiff/pkg/controller/loop"
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
		queue: loop.NewQueue[string]("statefulset"),
	}
	c.synced = []cache.InformerSynced{setInf.Informer().HasSynced, podInf.Informer().HasSynced, revInf.Informer().HasSynced, pvcInf.Informer().HasSynced}
	_, _ = setInf.Informer().AddEventHandler(loop.Handler(c.queue))
	onPod := func(obj any) { c.enqueueOwner(obj) }
	_, _ = podInf.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc: onPod, UpdateFunc: func(_, n any) { onPod(n) }, DeleteFunc: onPod,
	})
	return c
}

// Run waits for the caches to sync, then runs workers until ctx ends; it returns nil.
func (c *Controller) Run(ctx context.Context, workers int) error {
	return loop.Run(ctx, c.queue, workers, c.synced, c.sync, c.log)
}

// enqueueOwner enqueues the StatefulSet controlling a pod.
func (c *Controller) enqueueOwner(obj any) {
	pod, ok := loop.Unwrap[*corev1.Pod](obj)
	if !ok {
		return
	}
	if ref := metav1.GetControllerOf(pod); ref != nil && ref.Kind == "StatefulSet" {
		c.queue.Add(pod.Namespace + "/" + ref.Name)
	}
}

// minRequeue is the shortest timed resync.
const minRequeue = 100 * time.Millisecond
