// Package serviceaccount keeps a ServiceAccount named "default" in every active namespace,
// recreating it when it is deleted.
package serviceaccount

import (
	"context"
	"log/slog"
	"slices"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	corelisters "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/record"
	"k8s.io/client-go/util/workqueue"

	"skiff/pkg/controller/loop"
)

// DefaultName is the ServiceAccount every namespace gets.
const DefaultName = "default"

// Controller ensures the default ServiceAccount in each namespace.
type Controller struct {
	cs     kubernetes.Interface
	nsList corelisters.NamespaceLister
	saList corelisters.ServiceAccountLister
	synced []cache.InformerSynced
	rec    record.EventRecorder
	log    *slog.Logger
	queue  workqueue.TypedRateLimitingInterface[string]
}

// New registers namespace and ServiceAccount informers with f (which the caller starts); it
// does no I/O.
func New(cs kubernetes.Interface, f informers.SharedInformerFactory, rec record.EventRecorder, log *slog.Logger) *Controller {
	nsInf, saInf := f.Core().V1().Namespaces(), f.Core().V1().ServiceAccounts()
	c := &Controller{
		cs: cs, nsList: nsInf.Lister(), saList: saInf.Lister(), rec: rec, log: log.With("controller", "serviceaccount"),
		synced: []cache.InformerSynced{nsInf.Informer().HasSynced, saInf.Informer().HasSynced},
		queue:  loop.NewQueue[string]("serviceaccount"),
	}
	_, _ = nsInf.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc: c.enqueueNamespace, UpdateFunc: func(_, n any) { c.enqueueNamespace(n) },
	})
	_, _ = saInf.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{DeleteFunc: c.saDeleted})
	return c
}

func (c *Controller) enqueueNamespace(obj any) {
	if ns, ok := obj.(*corev1.Namespace); ok {
		c.queue.Add(ns.Name)
	}
}

func (c *Controller) saDeleted(obj any) {
	if sa, ok := loop.Unwrap[*corev1.ServiceAccount](obj); ok && sa.Name == DefaultName {
		c.queue.Add(sa.Namespace)
	}
}

// Run waits for the caches, then reconciles namespaces with workers goroutines until ctx ends;
// it blocks and returns nil.
func (c *Controller) Run(ctx context.Context, workers int) error {
	return loop.Run(ctx, c.queue, workers, c.synced, loop.NoRequeue(c.reconcile), c.log)
}

// needsDefault decides whether the default ServiceAccount must be created in ns: the namespace
// is active and has none.
func needsDefault(ns *corev1.Namespace, existing []*corev1.ServiceAccount) bool {
	if ns == nil || ns.DeletionTimestamp != nil || ns.Status.Phase == corev1.NamespaceTerminating {
		return false
	}
	return !slices.ContainsFunc(existing, func(sa *corev1.ServiceAccount) bool { return sa.Name == DefaultName })
}

func (c *Controller) reconcile(ctx context.Context, name string) error {
	ns, err := c.nsList.Get(name)
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	sa, err := c.saList.ServiceAccounts(name).Get(DefaultName)
	var existing []*corev1.ServiceAccount
	if err == nil {
		existing = append(existing, sa)
	} else if !apierrors.IsNotFound(err) {
		return err
	}
	if !needsDefault(ns, existing) {
		return nil
	}
	_, err = c.cs.CoreV1().ServiceAccounts(name).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: DefaultName}}, metav1.CreateOptions{})
	if apierrors.IsAlreadyExists(err) || apierrors.IsForbidden(err) {
		// Forbidden: the namespace started terminating after the cache was read.
		return nil
	}
	return err
}
