package endpoints

import (
	"context"
	"fmt"
	"maps"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/cache"

	"skiff/pkg/controller/loop"
	"skiff/pkg/controller/podendpoint"
)

// sync reconciles the Endpoints of one Service by key.
func (c *Controller) sync(ctx context.Context, key string) error {
	ns, name, err := cache.SplitMetaNamespaceKey(key)
	if err != nil {
		return nil
	}
	cur, err := c.eps.Endpoints(ns).Get(name)
	if err != nil && !apierrors.IsNotFound(err) {
		return err
	}
	svc, err := c.src.Services.Services(ns).Get(name)
	if apierrors.IsNotFound(err) {
		return c.deleteLeftover(ctx, cur)
	}
	if err != nil || !podendpoint.HasSelector(svc) || svc.DeletionTimestamp != nil {
		return err
	}
	pods, err := c.src.Selected(svc)
	if err != nil {
		return err
	}
	eps := podendpoint.List(svc, pods, svc.Spec.PublishNotReadyAddresses)
	next := desired(svc, cur, eps)
	if next == nil {
		return nil
	}
	return c.write(ctx, svc, cur, next)
}

// desired returns the Endpoints object svc should have for eps, based on cur (nil when
// absent), or nil when cur already lists the same subsets, labels and capacity annotation.
// The trigger-time annotation is set only on an object to write.
func desired(svc *corev1.Service, cur *corev1.Endpoints, eps []podendpoint.Endpoint) *corev1.Endpoints {
	ss, cut := subsets(eps, MaxAddresses)
	l := labels(svc)
	if cur != nil && sameSubsets(cur.Subsets, ss) && maps.Equal(cur.Labels, l) &&
		(cur.Annotations[overCapacityAnnotation] == truncated) == cut {
		return nil
	}
	next := &corev1.Endpoints{ObjectMeta: metav1.ObjectMeta{Name: svc.Name, Namespace: svc.Namespace}}
	if cur != nil {
		next.ObjectMeta = *cur.ObjectMeta.DeepCopy()
	}
	next.Labels, next.Subsets = l, ss
	if next.Annotations == nil {
		next.Annotations = map[string]string{}
	}
	delete(next.Annotations, overCapacityAnnotation)
	if cut {
		next.Annotations[overCapacityAnnotation] = truncated
	}
	next.Annotations[corev1.EndpointsLastChangeTriggerTime] = podendpoint.LastChange(svc, eps).UTC().Format(time.RFC3339Nano)
	return next
}

// write creates or updates next; a create racing a stale cache retries.
func (c *Controller) write(ctx context.Context, svc *corev1.Service, cur, next *corev1.Endpoints) error {
	api := c.cs.CoreV1().Endpoints(svc.Namespace)
	var err error
	if cur == nil {
		_, err = api.Create(ctx, next, metav1.CreateOptions{})
	} else {
		_, err = api.Update(ctx, next, metav1.UpdateOptions{})
	}
	switch {
	case err == nil:
		return nil
	case apierrors.IsAlreadyExists(err):
		return fmt.Errorf("create endpoints %s: cache behind: %w", svc.Name, loop.ErrRetry)
	case !apierrors.IsConflict(err) && !apierrors.HasStatusCause(err, corev1.NamespaceTerminatingCause):
		c.rec.Eventf(svc, corev1.EventTypeWarning, "FailedToUpdateEndpoint", "Failed to update endpoint %s/%s: %v", svc.Namespace, svc.Name, err)
	}
	return fmt.Errorf("write endpoints %s: %w", svc.Name, err)
}

// deleteLeftover deletes the Endpoints of a Service that no longer exists.
func (c *Controller) deleteLeftover(ctx context.Context, cur *corev1.Endpoints) error {
	if cur == nil {
		return nil
	}
	err := c.cs.CoreV1().Endpoints(cur.Namespace).Delete(ctx, cur.Name, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &cur.UID}})
	if err != nil && !apierrors.IsNotFound(err) && !apierrors.IsConflict(err) {
		return fmt.Errorf("delete endpoints %s: %w", cur.Name, err)
	}
	return nil
}
