package daemonset

import (
	"context"
	"log/slog"

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

// Controller reconciles DaemonSets with their pods across the cluster's nodes.
type Controller struct {
	cs     kubernetes.Interface
	sets   appslisters.DaemonSetLister
	pods   corelisters.PodLister
	nodes  corelisters.NodeLister
	revs   appslisters.ControllerRevisionLister
	synced []cache.InformerSynced
	rec    record.EventRecorder
	clk    clock.PassiveClock
	log    *slog.Logger
	queue  workqueue.TypedRateLimitingInterface[string]
	exp    *expectations.Expectations
}

// New returns a controller whose informers (DaemonSets, pods, nodes, ControllerRevisions) are
// registered with f, which the caller starts; it does no I/O. Events are recorded with rec;
// clk gives the time used for minReadySeconds.
func New(cs kubernetes.Interface, f informers.SharedInformerFactory, rec record.EventRecorder, clk clock.PassiveClock, log *slog.Logger) *Controller {
	dsInf, podInf := f.Apps().V1().DaemonSets(), f.Core().V1().Pods()
	nodeInf, revInf := f.Core().V1().Nodes(), f.Apps().V1().ControllerRevisions()
	c := &Controller{
		cs: cs, sets: dsInf.Lister(), pods: podInf.Lister(), nodes: nodeInf.Lister(), revs: revInf.Lister(),
		rec: rec, clk: clk, log: log.With("controller", "daemonset"),
		queue: loop.NewQueue[string]("daemonset"),
		exp:   expectations.New(clk),
	}
	c.synced = []cache.InformerSynced{dsInf.Informer().HasSynced, podInf.Informer().HasSynced, nodeInf.Informer().HasSynced, revInf.Informer().HasSynced}
	_, _ = dsInf.Informer().AddEventHandler(loop.Handler(c.queue))
	_, _ = podInf.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc: c.podAdded, UpdateFunc: c.podUpdated, DeleteFunc: c.podDeleted,
	})
	all := func(any) { c.enqueueAll() }
	_, _ = nodeInf.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc: all, UpdateFunc: func(_, n any) { all(n) }, DeleteFunc: all,
	})
	return c
}

// Run waits for the caches to sync, then runs workers until ctx ends; it returns nil.
func (c *Controller) Run(ctx context.Context, workers int) error {
	return loop.Run(ctx, c.queue, workers, c.synced, c.sync, c.log)
}

// enqueueAll enqueues every DaemonSet (a node changed).
func (c *Controller) enqueueAll() {
	list, err := c.sets.List(labels.Everything())
	if err != nil {
		return
	}
	for _, ds := range list {
		c.queue.Add(dsKey(ds))
	}
}

func ownerKey(pod *corev1.Pod) (string, bool) {
	ref := metav1.GetControllerOf(pod)
	if ref == nil || ref.Kind != "DaemonSet" {
		return "", false
	}
	return pod.Namespace + "/" + ref.Name, true
}

func (c *Controller) podAdded(obj any) {
	if key, ok := ownerKey(obj.(*corev1.Pod)); ok {
		c.exp.CreationObserved(key)
		c.queue.Add(key)
	}
}

func (c *Controller) podUpdated(oldObj, newObj any) {
	old, cur := oldObj.(*corev1.Pod), newObj.(*corev1.Pod)
	key, ok := ownerKey(cur)
	if !ok || old.ResourceVersion == cur.ResourceVersion {
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

func dsKey(ds *appsv1.DaemonSet) string { return ds.Namespace + "/" + ds.Name }
