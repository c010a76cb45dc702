package sim

import (
	"context"
	"fmt"
	"sync"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/client-go/informers"
	listersv1 "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/workqueue"
)

// podController moves pods bound to the simulated nodes through their lifecycle. One shared
// informer watches every bound pod; a rate-limited queue of namespace/name keys feeds the
// workers, which reconcile from the cache and never modify cached objects.
type podController struct {
	sim      *Sim
	factory  informers.SharedInformerFactory
	informer cache.SharedIndexInformer
	lister   listersv1.PodLister
	queue    workqueue.TypedRateLimitingInterface[string]
}

// newPodController builds the informer and queue; it does no I/O.
func (s *Sim) newPodController() *podController {
	bound := fields.OneTermNotEqualSelector("spec.nodeName", "").String()
	f := informers.NewSharedInformerFactoryWithOptions(s.client, 0, informers.WithTweakListOptions(func(o *metav1.ListOptions) {
		o.FieldSelector = bound
	}))
	pods := f.Core().V1().Pods()
	c := &podController{
		sim: s, factory: f, informer: pods.Informer(), lister: pods.Lister(),
		queue: workqueue.NewTypedRateLimitingQueueWithConfig(workqueue.DefaultTypedControllerRateLimiter[string](),
			workqueue.TypedRateLimitingQueueConfig[string]{Name: "sim-pods", Clock: s.cfg.Clock}),
	}
	_ = c.informer.SetTransform(stripManagedFields)
	_, _ = c.informer.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    c.observe,
		UpdateFunc: func(_, obj any) { c.observe(obj) },
		DeleteFunc: c.forget,
	})
	return c
}

// stripManagedFields drops managedFields from objects before they are cached, to save memory.
func stripManagedFields(obj any) (any, error) {
	if pod, ok := obj.(*corev1.Pod); ok {
		pod.ManagedFields = nil
	}
	return obj, nil
}

// observe queues a pod of a simulated node and records the IP it already holds.
func (c *podController) observe(obj any) {
	pod, ok := obj.(*corev1.Pod)
	if !ok || !c.sim.owns(pod) {
		return
	}
	if pod.Status.PodIP != "" && !pod.Spec.HostNetwork {
		c.sim.ips.observe(pod.Status.PodIP, pod.UID)
	}
	c.queue.Add(cache.MetaObjectToName(pod).String())
}

// forget releases the IP of a deleted pod.
func (c *podController) forget(obj any) {
	if t, ok := obj.(cache.DeletedFinalStateUnknown); ok {
		obj = t.Obj
	}
	if pod, ok := obj.(*corev1.Pod); ok && c.sim.owns(pod) {
		c.sim.ips.release(pod.UID)
	}
}

// owns reports whether pod is bound to one of the simulated nodes.
func (s *Sim) owns(pod *corev1.Pod) bool {
	_, ok := s.byName[pod.Spec.NodeName]
	return ok
}

// waitSynced blocks until the pod cache is filled.
func (c *podController) waitSynced(ctx context.Context) error {
	if !cache.WaitForCacheSync(ctx.Done(), c.informer.HasSynced) {
		return fmt.Errorf("pod cache did not sync: %w", context.Cause(ctx))
	}
	return nil
}

// run processes the queue on cfg.Workers goroutines until ctx ends; it returns nil.
func (c *podController) run(ctx context.Context) error {
	var wg sync.WaitGroup
	for range c.sim.cfg.Workers {
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

// next handles one key; false once the queue shuts down.
func (c *podController) next(ctx context.Context) bool {
	key, quit := c.queue.Get()
	if quit {
		return false
	}
	defer c.queue.Done(key)
	if err := c.sync(ctx, key); err != nil && ctx.Err() == nil {
		c.sim.stats.errors.Add(1)
		c.sim.log.Debug("pod sync failed, retrying", "pod", key, "err", err)
		c.queue.AddRateLimited(key)
		return true
	}
	c.queue.Forget(key)
	return true
}
