package replicaset

import (
	"context"
	"log/slog"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	appslisters "k8s.io/client-go/listers/apps/v1"
	corelisters "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/record"
	"k8s.io/client-go/util/workqueue"
	"k8s.io/utils/clock"

	"skiff/pkg/controller/expectations"
	"skiff/pkg/controller/loop"
)

// burstReplicas caps the pods one sync creates or deletes.
const burstReplicas = 500

// Controller reconciles ReplicaSets with their pods.
type Controller struct {
	cs     kubernetes.Interface
	rsList appslisters.ReplicaSetLister
	pods   corelisters.PodLister
	synced []cache.InformerSynced
	rec    record.EventRecorder
	clk    clock.PassiveClock
	log    *slog.Logger
	queue  workqueue.TypedRateLimitingInterface[string]
	exp    *expectations.Expectations
}

// New returns a controller whose ReplicaSet and pod informers are registered with f (which the
// caller starts); it does no I/O. Events are recorded with rec; clk gives the time used for
// minReadySeconds and expectations.
func New(cs kubernetes.Interface, f informers.SharedInformerFactory, rec record.EventRecorder, clk clock.PassiveClock, log *slog.Logger) *Controller {
	rsInf, podInf := f.Apps().V1().ReplicaSets(), f.Core().V1().Pods()
	c := &Controller{
		cs: cs, rsList: rsInf.Lister(), pods: podInf.Lister(), rec: rec, clk: clk,
		log:   log.With("controller", "replicaset"),
		queue: loop.NewQueue[string]("replicaset"),
		exp:   expectations.New(clk),
	}
	c.synced = []cache.InformerSynced{rsInf.Informer().HasSynced, podInf.Informer().HasSynced}
	enqueue := loop.Enqueue(c.queue)
	_, _ = rsInf.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc: enqueue, UpdateFunc: func(_, n any) { enqueue(n) }, DeleteFunc: c.rsDeleted,
	})
	_, _ = podInf.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc: c.podAdded, UpdateFunc: c.podUpdated, DeleteFunc: c.podDeleted,
	})
	return c
}

// Run waits for the caches to sync, then runs workers until ctx ends; it returns nil.
func (c *Controller) Run(ctx context.Context, workers int) error {
	return loop.Run(ctx, c.queue, workers, c.synced, loop.NoRequeue(c.sync), c.log)
}

func (c *Controller) rsDeleted(obj any) {
	key, err := cache.DeletionHandlingMetaNamespaceKeyFunc(obj)
	if err != nil {
		return
	}
	c.exp.Forget(key)
	c.queue.Add(key)
}

// ownerKey returns the key of the ReplicaSet that controls pod, if it exists in the cache.
func (c *Controller) ownerKey(pod *corev1.Pod) (string, bool) {
	ref := metav1.GetControllerOf(pod)
	if ref == nil || ref.Kind != "ReplicaSet" {
		return "", false
	}
	rs, err := c.rsList.ReplicaSets(pod.Namespace).Get(ref.Name)
	if err != nil || rs.UID != ref.UID {
		return "", false
	}
	return pod.Namespace + "/" + rs.Name, true
}

// enqueueMatching enqueues every ReplicaSet whose selector matches an orphan pod.
func (c *Controller) enqueueMatching(pod *corev1.Pod) {
	list, err := c.rsList.ReplicaSets(pod.Namespace).List(labels.Everything())
	if err != nil {
		return
	}
	for _, rs := range list {
		sel, err := metav1.LabelSelectorAsSelector(rs.Spec.Selector)
		if err == nil && !sel.Empty() && sel.Matches(labels.Set(pod.Labels)) {
			c.queue.Add(rsKey(rs))
		}
	}
}

func (c *Controller) podAdded(obj any) {
	pod := obj.(*corev1.Pod)
	if pod.DeletionTimestamp != nil {
		c.podDeleted(pod)
		return
	}
	if key, ok := c.ownerKey(pod); ok {
		c.exp.CreationObserved(key)
		c.queue.Add(key)
		return
	}
	if metav1.GetControllerOf(pod) == nil {
		c.enqueueMatching(pod)
	}
}

func (c *Controller) podUpdated(oldObj, newObj any) {
	old, cur := oldObj.(*corev1.Pod), newObj.(*corev1.Pod)
	if old.ResourceVersion == cur.ResourceVersion {
		return
	}
	if cur.DeletionTimestamp != nil {
		c.podDeleted(cur)
	}
	if key, ok := c.ownerKey(old); ok {
		c.queue.Add(key)
	}
	if key, ok := c.ownerKey(cur); ok {
		c.queue.Add(key)
		c.requeueForAvailability(key)
		return
	}
	if metav1.GetControllerOf(cur) == nil {
		c.enqueueMatching(cur)
	}
}

// requeueForAvailability syncs key again once a pod that just became ready is available.
func (c *Controller) requeueForAvailability(key string) {
	ns, name, _ := cache.SplitMetaNamespaceKey(key)
	rs, err := c.rsList.ReplicaSets(ns).Get(name)
	if err != nil || rs.Spec.MinReadySeconds == 0 {
		return
	}
	c.queue.AddAfter(key, time.Duration(rs.Spec.MinReadySeconds)*time.Second+time.Second)
}

func (c *Controller) podDeleted(obj any) {
	pod, ok := obj.(*corev1.Pod)
	if !ok {
		tomb, ok := obj.(cache.DeletedFinalStateUnknown)
		if !ok {
			return
		}
		if pod, ok = tomb.Obj.(*corev1.Pod); !ok {
			return
		}
	}
	if key, ok := c.ownerKey(pod); ok {
		c.exp.DeletionObserved(key, expectations.PodKey(pod))
		c.queue.Add(key)
	}
}

// rsKey is the workqueue key of a ReplicaSet.
func rsKey(rs *appsv1.ReplicaSet) string { return rs.Namespace + "/" + rs.Name }
