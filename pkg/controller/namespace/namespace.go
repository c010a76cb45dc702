// Package namespace deletes the content of terminating namespaces and then finalizes them, so
// that a deleted namespace goes away once everything in it is gone.
package namespace

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/workqueue"

	"skiff/pkg/controller/loop"
)

// contentPoll is how long a terminating namespace waits before its remaining content is
// looked at again.
const contentPoll = time.Second

// Controller reconciles terminating namespaces.
type Controller struct {
	cs    kubernetes.Interface
	dyn   dynamic.Interface
	disc  discovery.DiscoveryInterface
	log   *slog.Logger
	queue workqueue.TypedRateLimitingInterface[string]
}

// New returns a controller; Run starts it.
func New(cs kubernetes.Interface, dyn dynamic.Interface, log *slog.Logger) *Controller {
	return &Controller{cs: cs, dyn: dyn, disc: cs.Discovery(), log: log.With("controller", "namespace"),
		queue: loop.NewQueue[string]("namespace")}
}

// Run watches namespaces and reconciles terminating ones until ctx ends.
func (c *Controller) Run(ctx context.Context) error {
	f := informers.NewSharedInformerFactory(c.cs, 0)
	inf := f.Core().V1().Namespaces().Informer()
	enqueue := func(obj any) {
		if ns, ok := obj.(*corev1.Namespace); ok && ns.DeletionTimestamp != nil {
			c.queue.Add(ns.Name)
		}
	}
	inf.AddEventHandler(cache.ResourceEventHandlerFuncs{AddFunc: enqueue, UpdateFunc: func(_, n any) { enqueue(n) }})
	f.Start(ctx.Done())
	return loop.Run(ctx, c.queue, 1, []cache.InformerSynced{inf.HasSynced}, c.reconcile, c.log)
}

// reconcile deletes everything in a terminating namespace; when nothing is left it removes the
// "kubernetes" finalizer. While content remains it asks to run again after contentPoll.
func (c *Controller) reconcile(ctx context.Context, name string) (requeue time.Duration, err error) {
	ns, err := c.cs.CoreV1().Namespaces().Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return 0, nil
	}
	if err != nil || ns.DeletionTimestamp == nil {
		return 0, err
	}
	gvrs, err := c.namespacedResources()
	if err != nil {
		return 0, err
	}
	remaining := 0
	for _, gvr := range gvrs {
		r := c.dyn.Resource(gvr).Namespace(name)
		if err := r.DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{}); err != nil && !apierrors.IsNotFound(err) {
			return 0, fmt.Errorf("delete %s: %w", gvr.Resource, err)
		}
		list, err := r.List(ctx, metav1.ListOptions{})
		if err != nil {
			return 0, fmt.Errorf("list %s: %w", gvr.Resource, err)
		}
		remaining += len(list.Items)
	}
	if remaining > 0 {
		return contentPoll, nil
	}
	if !slices.Contains(ns.Spec.Finalizers, corev1.FinalizerKubernetes) {
		return 0, nil
	}
	ns = ns.DeepCopy()
	ns.Spec.Finalizers = slices.DeleteFunc(ns.Spec.Finalizers, func(f corev1.FinalizerName) bool { return f == corev1.FinalizerKubernetes })
	_, err = c.cs.CoreV1().Namespaces().Finalize(ctx, ns, metav1.UpdateOptions{})
	if apierrors.IsNotFound(err) {
		return 0, nil
	}
	return 0, err
}

func (c *Controller) namespacedResources() ([]schema.GroupVersionResource, error) {
	lists, err := c.disc.ServerPreferredNamespacedResources()
	if err != nil {
		return nil, err
	}
	var out []schema.GroupVersionResource
	for _, l := range lists {
		gv, err := schema.ParseGroupVersion(l.GroupVersion)
		if err != nil {
			return nil, err
		}
		for _, r := range l.APIResources {
			if slices.Contains(r.Verbs, "deletecollection") && slices.Contains(r.Verbs, "list") {
				out = append(out, gv.WithResource(r.Name))
			}
		}
	}
	return out, nil
}
