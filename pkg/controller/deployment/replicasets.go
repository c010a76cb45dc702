package deployment

import (
	"context"
	"fmt"
	"maps"
	"slices"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

// replicaSets splits d's ReplicaSets into the new one and old ones, syncing the new one's
// annotations and d's revision; with create it creates the new ReplicaSet when missing.
func (c *Controller) replicaSets(ctx context.Context, d *appsv1.Deployment, rss []*appsv1.ReplicaSet, create bool) (*appsv1.ReplicaSet, []*appsv1.ReplicaSet, error) {
	newRS, old := splitReplicaSets(d, rss)
	rev := maxRevision(old) + 1
	var err error
	switch {
	case newRS != nil:
		newRS, err = c.syncNewRS(ctx, d, newRS, rev)
	case create:
		newRS, err = c.createNewRS(ctx, d, old, rev)
	}
	if err != nil || newRS == nil {
		return newRS, old, err
	}
	return newRS, old, c.syncRevision(ctx, d, newRS)
}

// syncNewRS updates the annotations of an existing new ReplicaSet, and sets the Progressing
// condition FoundNewReplicaSet when d has none.
func (c *Controller) syncNewRS(ctx context.Context, d *appsv1.Deployment, rs *appsv1.ReplicaSet, rev int64) (*appsv1.ReplicaSet, error) {
	cp := rs.DeepCopy()
	if setNewRSAnnotations(d, cp, rev, true) || cp.Spec.MinReadySeconds != d.Spec.MinReadySeconds {
		cp.Spec.MinReadySeconds = d.Spec.MinReadySeconds
		updated, err := c.cs.AppsV1().ReplicaSets(cp.Namespace).Update(ctx, cp, metav1.UpdateOptions{})
		if err != nil {
			return nil, err
		}
		rs = updated
	}
	if hasProgressDeadline(d) && getCondition(&d.Status, appsv1.DeploymentProgressing) == nil {
		st := d.Status.DeepCopy()
		setCondition(st, condition(appsv1.DeploymentProgressing, corev1.ConditionTrue, reasonFoundNewRS,
			fmt.Sprintf("Found new replica set %q", rs.Name), c.now()))
		if err := c.writeStatus(ctx, d, *st); err != nil {
			return nil, err
		}
	}
	return rs, nil
}

// syncRevision records the new ReplicaSet's revision on d.
func (c *Controller) syncRevision(ctx context.Context, d *appsv1.Deployment, newRS *appsv1.ReplicaSet) error {
	ann, changed := withRevision(d, newRS.Annotations[revisionAnnotation])
	if !changed {
		return nil
	}
	cp := d.DeepCopy()
	cp.Annotations = ann
	updated, err := c.cs.AppsV1().Deployments(d.Namespace).Update(ctx, cp, metav1.UpdateOptions{})
	if err != nil {
		return err
	}
	d.Annotations, d.ResourceVersion = updated.Annotations, updated.ResourceVersion
	return nil
}

// newReplicaSet builds the ReplicaSet for d's current template: named after the template
// hash, labeled and selected by it, with revision rev and the replicas that may start now.
func newReplicaSet(d *appsv1.Deployment, all []*appsv1.ReplicaSet, rev int64) *appsv1.ReplicaSet {
	hash := templateHash(&d.Spec.Template, d.Status.CollisionCount)
	tmpl := *d.Spec.Template.DeepCopy()
	tmpl.Labels = withLabel(tmpl.Labels, hash)
	sel := d.Spec.Selector.DeepCopy()
	sel.MatchLabels = withLabel(sel.MatchLabels, hash)
	rs := &appsv1.ReplicaSet{
		ObjectMeta: metav1.ObjectMeta{
			Name: d.Name + "-" + hash, Namespace: d.Namespace, Labels: tmpl.Labels,
			OwnerReferences: []metav1.OwnerReference{*metav1.NewControllerRef(d, appsv1.SchemeGroupVersion.WithKind("Deployment"))},
		},
		Spec: appsv1.ReplicaSetSpec{Replicas: ptr.To(int32(0)), MinReadySeconds: d.Spec.MinReadySeconds, Selector: sel, Template: tmpl},
	}
	rs.Spec.Replicas = ptr.To(newRSReplicas(d, all, rs))
	setNewRSAnnotations(d, rs, rev, false)
	return rs
}

func withLabel(l map[string]string, hash string) map[string]string {
	out := maps.Clone(l)
	if out == nil {
		out = map[string]string{}
	}
	out[appsv1.DefaultDeploymentUniqueLabelKey] = hash
	return out
}

// createNewRS creates the new ReplicaSet. If its name is taken by a ReplicaSet with another
// template (a hash collision), it bumps status.collisionCount and returns an error to retry.
func (c *Controller) createNewRS(ctx context.Context, d *appsv1.Deployment, all []*appsv1.ReplicaSet, rev int64) (*appsv1.ReplicaSet, error) {
	want := newReplicaSet(d, all, rev)
	created, err := c.cs.AppsV1().ReplicaSets(d.Namespace).Create(ctx, want, metav1.CreateOptions{})
	if apierrors.IsAlreadyExists(err) {
		return c.existingNewRS(ctx, d, want)
	}
	if err != nil {
		st := d.Status.DeepCopy()
		setCondition(st, condition(appsv1.DeploymentProgressing, corev1.ConditionFalse, reasonFailedRSCreate, err.Error(), c.now()))
		_ = c.writeStatus(ctx, d, *st)
		c.rec.Eventf(d, corev1.EventTypeWarning, reasonFailedRSCreate, "Failed to create new replica set %q: %v", want.Name, err)
		return nil, err
	}
	if rsReplicas(created) > 0 {
		c.rec.Eventf(d, corev1.EventTypeNormal, "ScalingReplicaSet", "Scaled up replica set %s from 0 to %d", created.Name, rsReplicas(created))
	}
	st := d.Status.DeepCopy()
	setCondition(st, condition(appsv1.DeploymentProgressing, corev1.ConditionTrue, reasonNewRSCreated,
		fmt.Sprintf("Created new replica set %q", created.Name), c.now()))
	return created, c.writeStatus(ctx, d, *st)
}

// existingNewRS handles a name clash: our own ReplicaSet not yet in the cache is used; any
// other one is a collision.
func (c *Controller) existingNewRS(ctx context.Context, d *appsv1.Deployment, want *appsv1.ReplicaSet) (*appsv1.ReplicaSet, error) {
	rs, err := c.cs.AppsV1().ReplicaSets(d.Namespace).Get(ctx, want.Name, metav1.GetOptions{})
	if err != nil {
		return nil, err
	}
	if ref := metav1.GetControllerOf(rs); ref != nil && ref.UID == d.UID && equalIgnoreHash(&rs.Spec.Template, &d.Spec.Template) {
		return rs, nil
	}
	st := d.Status.DeepCopy()
	st.CollisionCount = ptr.To(ptr.Deref(st.CollisionCount, 0) + 1)
	if err := c.writeStatus(ctx, d, *st); err != nil {
		return nil, err
	}
	return nil, fmt.Errorf("replica set %s exists with another template; collision count now %d", rs.Name, *st.CollisionCount)
}

// scale sets rs's replicas to n and its replicas annotations, recording an event when the
// size changes; it returns the updated ReplicaSet.
func (c *Controller) scale(ctx context.Context, d *appsv1.Deployment, rs *appsv1.ReplicaSet, n int32) (*appsv1.ReplicaSet, error) {
	from := rsReplicas(rs)
	if from == n && !replicasAnnotationsNeedUpdate(rs, replicas(d), replicas(d)+maxSurge(d)) {
		return rs, nil
	}
	cp := rs.DeepCopy()
	cp.Spec.Replicas = ptr.To(n)
	setReplicasAnnotations(cp, replicas(d), replicas(d)+maxSurge(d))
	updated, err := c.cs.AppsV1().ReplicaSets(rs.Namespace).Update(ctx, cp, metav1.UpdateOptions{})
	if err != nil {
		return nil, err
	}
	if from != n {
		dir := "up"
		if n < from {
			dir = "down"
		}
		c.rec.Eventf(d, corev1.EventTypeNormal, "ScalingReplicaSet", "Scaled %s replica set %s from %d to %d", dir, rs.Name, from, n)
	}
	return updated, nil
}

// cleanup deletes the oldest old ReplicaSets with no replicas beyond revisionHistoryLimit.
func (c *Controller) cleanup(ctx context.Context, d *appsv1.Deployment, old []*appsv1.ReplicaSet) error {
	for _, rs := range toCleanUp(d, old) {
		err := c.cs.AppsV1().ReplicaSets(rs.Namespace).Delete(ctx, rs.Name, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &rs.UID}})
		if err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("delete old replica set %s: %w", rs.Name, err)
		}
	}
	return nil
}

// toCleanUp picks the old ReplicaSets over d's revisionHistoryLimit, lowest revision first,
// skipping any that still have (or may have) pods.
func toCleanUp(d *appsv1.Deployment, old []*appsv1.ReplicaSet) []*appsv1.ReplicaSet {
	if d.Spec.RevisionHistoryLimit == nil {
		return nil
	}
	alive := slices.DeleteFunc(slices.Clone(old), func(rs *appsv1.ReplicaSet) bool { return rs == nil || rs.DeletionTimestamp != nil })
	extra := len(alive) - int(*d.Spec.RevisionHistoryLimit)
	if extra <= 0 {
		return nil
	}
	slices.SortStableFunc(alive, func(a, b *appsv1.ReplicaSet) int {
		if ra, rb := revision(a), revision(b); ra != rb {
			return int(ra - rb)
		}
		return byAge(a, b)
	})
	var out []*appsv1.ReplicaSet
	for _, rs := range alive[:extra] {
		if rs.Status.Replicas == 0 && rsReplicas(rs) == 0 && rs.Generation <= rs.Status.ObservedGeneration {
			out = append(out, rs)
		}
	}
	return out
}

// writeStatus writes st as d's status unless it is unchanged; d.Status becomes st.
func (c *Controller) writeStatus(ctx context.Context, d *appsv1.Deployment, st appsv1.DeploymentStatus) error {
	if apiequality.Semantic.DeepEqual(d.Status, st) {
		return nil
	}
	cp := d.DeepCopy()
	cp.Status = st
	updated, err := c.cs.AppsV1().Deployments(d.Namespace).UpdateStatus(ctx, cp, metav1.UpdateOptions{})
	if err != nil {
		return err
	}
	d.Status, d.ResourceVersion = updated.Status, updated.ResourceVersion
	return nil
}
