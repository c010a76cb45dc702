package statefulset

import (
	"context"
	"errors"
	"fmt"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/tools/cache"
)

// sync reconciles one StatefulSet by key; requeue asks for a timed resync (minReadySeconds).
func (c *Controller) sync(ctx context.Context, key string) (requeue time.Duration, err error) {
	ns, name, err := cache.SplitMetaNamespaceKey(key)
	if err != nil {
		return 0, nil
	}
	set, err := c.sets.StatefulSets(ns).Get(name)
	if apierrors.IsNotFound(err) {
		return 0, nil
	}
	if err != nil || set.DeletionTimestamp != nil {
		return 0, err
	}
	revs, err := c.ownedRevisions(set)
	if err != nil {
		return 0, err
	}
	next, err := c.updateRevision(ctx, set, revs)
	if err != nil {
		return 0, err
	}
	current := currentRevision(set, revs, next)
	pods := c.ownedPods(set)
	p := decide(input{set: set, pods: pods, currentRev: current.Name, nextRev: next.Name})
	werr := c.apply(ctx, set, p, current, next)
	now := c.clk.Now()
	st := computeStatus(set, pods, current.Name, next.Name, now)
	if err := c.writeStatus(ctx, set, st); err != nil {
		return 0, err
	}
	if werr != nil {
		return 0, werr
	}
	return availableAfter(set, pods, now), c.pruneHistory(ctx, set, revs, pods, current.Name, next.Name)
}

// ownedPods lists the cached pods set controls.
func (c *Controller) ownedPods(set *appsv1.StatefulSet) []*corev1.Pod {
	all, err := c.pods.Pods(set.Namespace).List(labels.Everything())
	if err != nil {
		return nil
	}
	var out []*corev1.Pod
	for _, p := range all {
		if ref := metav1.GetControllerOf(p); ref != nil && ref.UID == set.UID {
			out = append(out, p)
		}
	}
	return out
}

// apply makes the plan's pods (with their claims) and deletions.
func (c *Controller) apply(ctx context.Context, set *appsv1.StatefulSet, p plan, current, next *appsv1.ControllerRevision) error {
	var errs []error
	for _, ord := range p.create {
		errs = append(errs, c.createPod(ctx, set, ord, current, next))
	}
	for _, pod := range p.delete {
		errs = append(errs, c.deletePod(ctx, set, pod))
	}
	return errors.Join(errs...)
}

// createPod creates the claims and the pod of ordinal ord at the revision it should have.
func (c *Controller) createPod(ctx context.Context, set *appsv1.StatefulSet, ord int, current, next *appsv1.ControllerRevision) error {
	if err := c.createClaims(ctx, set, ord); err != nil {
		return err
	}
	rev := next
	tmpl := &set.Spec.Template
	if revisionFor(set, ord, current.Name, next.Name) == current.Name && current.Name != next.Name {
		t, err := templateOf(current)
		if err != nil {
			return err
		}
		rev, tmpl = current, t
	}
	pod := newPod(set, tmpl, rev.Name, ord)
	_, err := c.cs.CoreV1().Pods(set.Namespace).Create(ctx, pod, metav1.CreateOptions{})
	switch {
	case apierrors.IsAlreadyExists(err):
		return nil
	case err != nil:
		c.rec.Eventf(set, corev1.EventTypeWarning, "FailedCreate", "create Pod %s in StatefulSet %s failed error: %v", pod.Name, set.Name, err)
		return fmt.Errorf("create pod %s: %w", pod.Name, err)
	}
	c.rec.Eventf(set, corev1.EventTypeNormal, "SuccessfulCreate", "create Pod %s in StatefulSet %s successful", pod.Name, set.Name)
	return nil
}

// createClaims creates the missing PVCs of ordinal ord.
func (c *Controller) createClaims(ctx context.Context, set *appsv1.StatefulSet, ord int) error {
	for i := range set.Spec.VolumeClaimTemplates {
		claim := newClaim(set, &set.Spec.VolumeClaimTemplates[i], ord)
		if _, err := c.claims.PersistentVolumeClaims(set.Namespace).Get(claim.Name); err == nil {
			continue
		}
		_, err := c.cs.CoreV1().PersistentVolumeClaims(set.Namespace).Create(ctx, claim, metav1.CreateOptions{})
		if err != nil && !apierrors.IsAlreadyExists(err) {
			c.rec.Eventf(set, corev1.EventTypeWarning, "FailedCreate", "create Claim %s for StatefulSet %s failed error: %v", claim.Name, set.Name, err)
			return fmt.Errorf("create claim %s: %w", claim.Name, err)
		}
		if err == nil {
			c.rec.Eventf(set, corev1.EventTypeNormal, "SuccessfulCreate", "create Claim %s for StatefulSet %s successful", claim.Name, set.Name)
		}
	}
	return nil
}

func (c *Controller) deletePod(ctx context.Context, set *appsv1.StatefulSet, pod *corev1.Pod) error {
	err := c.cs.CoreV1().Pods(pod.Namespace).Delete(ctx, pod.Name, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &pod.UID}})
	switch {
	case apierrors.IsNotFound(err) || apierrors.IsConflict(err):
		return nil
	case err != nil:
		c.rec.Eventf(set, corev1.EventTypeWarning, "FailedDelete", "delete Pod %s in StatefulSet %s failed error: %v", pod.Name, set.Name, err)
		return fmt.Errorf("delete pod %s: %w", pod.Name, err)
	}
	c.rec.Eventf(set, corev1.EventTypeNormal, "SuccessfulDelete", "delete Pod %s in StatefulSet %s successful", pod.Name, set.Name)
	return nil
}

func (c *Controller) writeStatus(ctx context.Context, set *appsv1.StatefulSet, st appsv1.StatefulSetStatus) error {
	if apiequality.Semantic.DeepEqual(set.Status, st) {
		return nil
	}
	cp := set.DeepCopy()
	cp.Status = st
	_, err := c.cs.AppsV1().StatefulSets(set.Namespace).UpdateStatus(ctx, cp, metav1.UpdateOptions{})
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("update status: %w", err)
	}
	return nil
}
