package endpointslice

import (
	"context"
	"errors"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/tools/cache"

	"skiff/pkg/controller/loop"
	"skiff/pkg/controller/podendpoint"
)

// sync reconciles the slices of one Service by key: decide from the caches, then write.
func (c *Controller) sync(ctx context.Context, key string) error {
	ns, name, err := cache.SplitMetaNamespaceKey(key)
	if err != nil {
		return nil
	}
	svc, err := c.src.Services.Services(ns).Get(name)
	if apierrors.IsNotFound(err) {
		c.track.forget(key) // the garbage collector deletes the slices it owned
		return nil
	}
	if err != nil {
		return err
	}
	existing, err := c.managed(ns, name)
	if err != nil {
		return err
	}
	if !c.track.fresh(key, existing) {
		return fmt.Errorf("slices of %s: cache behind own writes: %w", key, loop.ErrRetry)
	}
	p, trigger, err := c.decide(svc, existing)
	if err != nil {
		return err
	}
	return c.apply(ctx, key, svc, p, trigger)
}

// managed returns the cached slices this controller manages for the Service ns/name.
func (c *Controller) managed(ns, name string) ([]*discoveryv1.EndpointSlice, error) {
	sel := labels.SelectorFromSet(labels.Set{discoveryv1.LabelServiceName: name, discoveryv1.LabelManagedBy: ControllerName})
	return c.slices.EndpointSlices(ns).List(sel)
}

// decide computes the plan for svc and the trigger time of its endpoints. A Service without
// a selector (or being deleted) keeps none of this controller's slices.
func (c *Controller) decide(svc *corev1.Service, existing []*discoveryv1.EndpointSlice) (plan, time.Time, error) {
	if !podendpoint.HasSelector(svc) || svc.DeletionTimestamp != nil {
		return plan{delete: existing}, time.Time{}, nil
	}
	pods, err := c.src.Selected(svc)
	if err != nil {
		return plan{}, time.Time{}, err
	}
	eps := podendpoint.List(svc, pods, true)
	want := groups(eps, c.zones(eps))
	return decide(svc, want, existing, c.cfg.MaxEndpointsPerSlice), podendpoint.LastChange(svc, eps), nil
}

// zones maps the nodes of eps to their topology.kubernetes.io/zone label, where set.
func (c *Controller) zones(eps []podendpoint.Endpoint) map[string]string {
	out := map[string]string{}
	for _, e := range eps {
		n := e.Pod.Spec.NodeName
		if _, done := out[n]; done || n == "" {
			continue
		}
		out[n] = ""
		if node, err := c.nodes.Get(n); err == nil {
			out[n] = node.Labels[corev1.LabelTopologyZone]
		}
	}
	return out
}

// apply carries out p for the Service key: creates, then updates, then deletes, so that an
// endpoint moving between slices is never missing. It records every write with the tracker
// and returns the joined errors.
func (c *Controller) apply(ctx context.Context, key string, svc *corev1.Service, p plan, trigger time.Time) error {
	api := c.cs.DiscoveryV1().EndpointSlices(svc.Namespace)
	var errs []error
	for _, s := range p.create {
		stamp(s, trigger)
		out, err := api.Create(ctx, s, metav1.CreateOptions{})
		errs = append(errs, c.result(key, svc, "create", out, err))
	}
	for _, s := range p.update {
		stamp(s, trigger)
		out, err := api.Update(ctx, s, metav1.UpdateOptions{})
		errs = append(errs, c.result(key, svc, "update", out, err))
	}
	for _, s := range p.delete {
		err := api.Delete(ctx, s.Name, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &s.UID}})
		if err == nil || apierrors.IsNotFound(err) {
			c.track.deleted(key, s.Name)
			continue
		}
		errs = append(errs, c.failed(svc, "delete", err))
	}
	return errors.Join(errs...)
}

// result records a successful write with the tracker, or reports a failed one.
func (c *Controller) result(key string, svc *corev1.Service, verb string, out *discoveryv1.EndpointSlice, err error) error {
	if err != nil {
		return c.failed(svc, verb, err)
	}
	c.track.wrote(key, out)
	return nil
}

// failed records a warning event for a failed write, except for conflicts (a stale cache,
// retried) and a Service namespace being deleted.
func (c *Controller) failed(svc *corev1.Service, verb string, err error) error {
	if !apierrors.IsConflict(err) && !apierrors.HasStatusCause(err, corev1.NamespaceTerminatingCause) {
		c.rec.Eventf(svc, corev1.EventTypeWarning, "FailedToUpdateEndpointSlices", "Error updating Endpoint Slices for Service %s/%s: %v", svc.Namespace, svc.Name, err)
	}
	return fmt.Errorf("%s endpointslice: %w", verb, err)
}

// stamp sets the trigger-time annotation on a slice about to be written.
func stamp(s *discoveryv1.EndpointSlice, trigger time.Time) {
	if trigger.IsZero() {
		return
	}
	if s.Annotations == nil {
		s.Annotations = map[string]string{}
	}
	s.Annotations[corev1.EndpointsLastChangeTriggerTime] = trigger.UTC().Format(time.RFC3339Nano)
}
