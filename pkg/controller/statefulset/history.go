package statefulset

import (
	"context"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// ownedRevisions lists the cached ControllerRevisions set controls.
func (c *Controller) ownedRevisions(set *appsv1.StatefulSet) ([]*appsv1.ControllerRevision, error) {
	all, err := c.revs.ControllerRevisions(set.Namespace).List(labels.Everything())
	if err != nil {
		return nil, err
	}
	var out []*appsv1.ControllerRevision
	for _, r := range all {
		if ref := metav1.GetControllerOf(r); ref != nil && ref.UID == set.UID {
			out = append(out, r)
		}
	}
	return out, nil
}

// updateRevision returns the revision of set's template, creating it (or renumbering an equal
// older one to be the newest) when needed.
func (c *Controller) updateRevision(ctx context.Context, set *appsv1.StatefulSet, revs []*appsv1.ControllerRevision) (*appsv1.ControllerRevision, error) {
	data, err := revisionData(set)
	if err != nil {
		return nil, err
	}
	top := maxRevision(revs)
	if eq := findEqual(revs, data); eq != nil {
		if eq.Revision == top {
			return eq, nil
		}
		cp := eq.DeepCopy()
		cp.Revision = top + 1
		return c.cs.AppsV1().ControllerRevisions(set.Namespace).Update(ctx, cp, metav1.UpdateOptions{})
	}
	rev := newRevision(set, data, top+1)
	created, err := c.cs.AppsV1().ControllerRevisions(set.Namespace).Create(ctx, rev, metav1.CreateOptions{})
	if !apierrors.IsAlreadyExists(err) {
		return created, err
	}
	got, err := c.cs.AppsV1().ControllerRevisions(set.Namespace).Get(ctx, rev.Name, metav1.GetOptions{})
	if err != nil {
		return nil, err
	}
	if ref := metav1.GetControllerOf(got); ref != nil && ref.UID == set.UID && equalJSON(got.Data.Raw, data) {
		return got, nil // our own creation, not yet in the cache
	}
	return nil, c.bumpCollisionCount(ctx, set)
}

// bumpCollisionCount increments status.collisionCount so the next revision name differs.
func (c *Controller) bumpCollisionCount(ctx context.Context, set *appsv1.StatefulSet) error {
	cp := set.DeepCopy()
	n := int32(1)
	if cp.Status.CollisionCount != nil {
		n = *cp.Status.CollisionCount + 1
	}
	cp.Status.CollisionCount = &n
	if _, err := c.cs.AppsV1().StatefulSets(set.Namespace).UpdateStatus(ctx, cp, metav1.UpdateOptions{}); err != nil {
		return err
	}
	return fmt.Errorf("revision name collision for %s; retrying", set.Name)
}

// currentRevision is the revision named by status.currentRevision, or next when that is unset
// or gone.
func currentRevision(set *appsv1.StatefulSet, revs []*appsv1.ControllerRevision, next *appsv1.ControllerRevision) *appsv1.ControllerRevision {
	for _, r := range revs {
		if r.Name == set.Status.CurrentRevision {
			return r
		}
	}
	return next
}

// pruneHistory deletes the oldest revisions beyond revisionHistoryLimit that no pod uses.
func (c *Controller) pruneHistory(ctx context.Context, set *appsv1.StatefulSet, revs []*appsv1.ControllerRevision, pods []*corev1.Pod, current, next string) error {
	live := map[string]bool{current: true, next: true}
	for _, p := range pods {
		live[revisionOf(p)] = true
	}
	limit := 10
	if set.Spec.RevisionHistoryLimit != nil {
		limit = int(*set.Spec.RevisionHistoryLimit)
	}
	for _, r := range prunable(revs, live, limit) {
		err := c.cs.AppsV1().ControllerRevisions(r.Namespace).Delete(ctx, r.Name, metav1.DeleteOptions{})
		if err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("delete revision %s: %w", r.Name, err)
		}
	}
	return nil
}
