package daemonset

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/tools/cache"

	"skiff/pkg/controller/expectations"
)

// sync reconciles one DaemonSet by key; requeue asks for a timed resync (minReadySeconds).
func (c *Controller) sync(ctx context.Context, key string) (requeue time.Duration, err error) {
	ns, name, err := cache.SplitMetaNamespaceKey(key)
	if err != nil {
		return 0, nil
	}
	ds, err := c.sets.DaemonSets(ns).Get(name)
	if apierrors.IsNotFound(err) {
		c.exp.Forget(key)
		return 0, nil
	}
	if err != nil || ds.DeletionTimestamp != nil {
		return 0, err
	}
	revs, err := c.ownedRevisions(ds)
	if err != nil {
		return 0, err
	}
	hash, err := c.ensureRevision(ctx, ds, revs)
	if err != nil {
		return 0, err
	}
	nodes, err := c.nodes.List(labels.Everything())
	if err != nil {
		return 0, err
	}
	in := input{ds: ds, nodes: nodes, pods: c.ownedPods(ds), hash: hash, now: c.clk.Now()}
	var werr error
	if c.exp.Satisfied(key) {
		werr = c.apply(ctx, ds, decide(in), hash)
	}
	if err := c.writeStatus(ctx, ds, computeStatus(in)); err != nil {
		return 0, err
	}
	if werr != nil {
		return 0, werr
	}
	if err := c.pruneHistory(ctx, ds, revs, in.pods, hash); err != nil {
		return 0, err
	}
	return availabilityWait(in), nil
}

// availabilityWait is how long until a ready pod passes minReadySeconds (0 if none waits).
func availabilityWait(in input) time.Duration {
	if in.ds.Spec.MinReadySeconds == 0 {
		return 0
	}
	for _, p := range in.pods {
		if isReady(p) && !available(p, in.ds.Spec.MinReadySeconds, in.now) {
			return time.Second
		}
	}
	return 0
}

func (c *Controller) ownedPods(ds *appsv1.DaemonSet) []*corev1.Pod {
	all, err := c.pods.Pods(ds.Namespace).List(labels.Everything())
	if err != nil {
		return nil
	}
	var out []*corev1.Pod
	for _, p := range all {
		if ref := metav1.GetControllerOf(p); ref != nil && ref.UID == ds.UID {
			out = append(out, p)
		}
	}
	return out
}

// apply records expectations, then creates and deletes pods concurrently.
func (c *Controller) apply(ctx context.Context, ds *appsv1.DaemonSet, p plan, hash string) error {
	if len(p.create)+len(p.delete) == 0 {
		return nil
	}
	c.exp.Expect(dsKey(ds), len(p.create), expectations.PodKeys(p.delete))
	errs := make([]error, len(p.create)+len(p.delete))
	var wg sync.WaitGroup
	for i, node := range p.create {
		wg.Go(func() { errs[i] = c.createPod(ctx, ds, node, hash) })
	}
	for i, pod := range p.delete {
		wg.Go(func() { errs[len(p.create)+i] = c.deletePod(ctx, ds, pod) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

func (c *Controller) createPod(ctx context.Context, ds *appsv1.DaemonSet, node, hash string) error {
	pod, err := c.cs.CoreV1().Pods(ds.Namespace).Create(ctx, newPod(ds, node, hash), metav1.CreateOptions{})
	if err != nil {
		c.exp.CreationObserved(dsKey(ds))
		c.rec.Eventf(ds, corev1.EventTypeWarning, "FailedCreate", "Error creating: %v", err)
		return fmt.Errorf("create pod for node %s: %w", node, err)
	}
	c.rec.Eventf(ds, corev1.EventTypeNormal, "SuccessfulCreate", "Created pod: %s", pod.Name)
	return nil
}

func (c *Controller) deletePod(ctx context.Context, ds *appsv1.DaemonSet, pod *corev1.Pod) error {
	err := c.cs.CoreV1().Pods(pod.Namespace).Delete(ctx, pod.Name, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &pod.UID}})
	if err != nil {
		c.exp.DeletionObserved(dsKey(ds), expectations.PodKey(pod))
		if apierrors.IsNotFound(err) || apierrors.IsConflict(err) {
			return nil
		}
		c.rec.Eventf(ds, corev1.EventTypeWarning, "FailedDelete", "Error deleting: %v", err)
		return fmt.Errorf("delete pod %s: %w", pod.Name, err)
	}
	c.rec.Eventf(ds, corev1.EventTypeNormal, "SuccessfulDelete", "Deleted pod: %s", pod.Name)
	return nil
}

func (c *Controller) writeStatus(ctx context.Context, ds *appsv1.DaemonSet, st appsv1.DaemonSetStatus) error {
	if apiequality.Semantic.DeepEqual(ds.Status, st) {
		return nil
	}
	cp := ds.DeepCopy()
	cp.Status = st
	_, err := c.cs.AppsV1().DaemonSets(ds.Namespace).UpdateStatus(ctx, cp, metav1.UpdateOptions{})
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("update status: %w", err)
	}
	return nil
}
