package deployment

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

	"skiff/pkg/controller/loop"
)

// Controller rolls Deployments out through ReplicaSets.
type Controller struct {
	cs     kubernetes.Interface
	dList  appslisters.DeploymentLister
	rsList appslisters.ReplicaSetLister
	pods   corelisters.PodLister
	synced []cache.InformerSynced
	rec    record.EventRecorder
	clk    clock.PassiveClock
	log    *slog.Logger
	queue  workqueue.TypedRateLimitingInterface[string]
}

// New returns a controller whose Deployment, ReplicaSet and pod informers are registered with
// f (which the caller starts); it does no I/O. Events are recorded with rec; clk gives the
// time of conditions and progress deadlines.
func New(cs kubernetes.Interface, f informers.SharedInformerFactory, rec record.EventRecorder, clk clock.PassiveClock, log *slog.Logger) *Controller {
	dInf, rsInf, podInf := f.Apps().V1().Deployments(), f.Apps().V1().ReplicaSets(), f.Core().V1().Pods()
	c := &Controller{
		cs: cs, dList: dInf.Lister(), rsList: rsInf.Lister(), pods: podInf.Lister(), rec: rec, clk: clk,
		log:   log.With("controller", "deployment"),
		queue: loop.NewQueue[string]("deployment"),
	}
	c.synced = []cache.InformerSynced{dInf.Informer().HasSynced, rsInf.Informer().HasSynced, podInf.Informer().HasSynced}
	_, _ = dInf.Informer().AddEventHandler(loop.Handler(c.queue))
	_, _ = rsInf.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc: c.rsChanged, UpdateFunc: func(o, n any) { c.rsChanged(o); c.rsChanged(n) }, DeleteFunc: c.rsChanged,
	})
	_, _ = podInf.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{DeleteFunc: c.podDeleted})
	return c
}

// Run waits for the caches to sync, then runs workers until ctx ends; it returns nil.
func (c *Controller) Run(ctx context.Context, workers int) error {
	return loop.Run(ctx, c.queue, workers, c.synced, loop.NoRequeue(c.sync), c.log)
}

// rsChanged enqueues the Deployment controlling rs, or for an orphan every Deployment whose
// selector matches it.
func (c *Controller) rsChanged(obj any) {
	rs, ok := loop.Unwrap[*appsv1.ReplicaSet](obj)
	if !ok {
		return
	}
	if ref := metav1.GetControllerOf(rs); ref != nil {
		c.enqueueOwner(rs.Namespace, ref)
		return
	}
	list, err := c.dList.Deployments(rs.Namespace).List(labels.Everything())
	if err != nil {
		return
	}
	for _, d := range list {
		sel, err := metav1.LabelSelectorAsSelector(d.Spec.Selector)
		if err == nil && !sel.Empty() && sel.Matches(labels.Set(rs.Labels)) {
			c.queue.Add(deploymentKey(d))
		}
	}
}

func (c *Controller) enqueueOwner(ns string, ref *metav1.OwnerReference) {
	if ref.Kind != "Deployment" {
		return
	}
	d, err := c.dList.Deployments(ns).Get(ref.Name)
	if err == nil && d.UID == ref.UID {
		c.queue.Add(deploymentKey(d))
	}
}

// podDeleted enqueues the Deployment above a deleted pod (Recreate waits for old pods to go).
func (c *Controller) podDeleted(obj any) {
	pod, ok := loop.Unwrap[*corev1.Pod](obj)
	if !ok {
		return
	}
	ref := metav1.GetControllerOf(pod)
	if ref == nil || ref.Kind != "ReplicaSet" {
		return
	}
	rs, err := c.rsList.ReplicaSets(pod.Namespace).Get(ref.Name)
	if err != nil || rs.UID != ref.UID {
		return
	}
	if dref := metav1.GetControllerOf(rs); dref != nil {
		c.enqueueOwner(pod.Namespace, dref)
	}
}

// deploymentKey is the workqueue key of a Deployment.
func deploymentKey(d *appsv1.Deployment) string { return d.Namespace + "/" + d.Name }
