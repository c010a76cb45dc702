package deployment

import (
	"context"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/tools/cache"
)

// sync reconciles one Deployment by key.
func (c *Controller) sync(ctx context.Context, key string) error {
	ns, name, err := cache.SplitMetaNamespaceKey(key)
	if err != nil {
		return nil
	}
	cached, err := c.dList.Deployments(ns).Get(name)
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	d := cached.DeepCopy()
	sel, err := metav1.LabelSelectorAsSelector(d.Spec.Selector)
	if err != nil || sel.Empty() {
		c.rec.Eventf(d, corev1.EventTypeWarning, "SelectingAll", "This deployment is selecting all pods. A non-empty selector is required.")
		return nil
	}
	rss, err := c.claim(ctx, d, sel)
	if err != nil {
		return err
	}
	if d.DeletionTimestamp != nil {
		return c.syncStatusOnly(ctx, d, rss)
	}
	if err := c.syncPaused(ctx, d); err != nil {
		return err
	}
	newRS, old := splitReplicaSets(d, rss)
	if d.Spec.Paused || isScalingEvent(d, newRS, old) {
		return c.syncScale(ctx, d, rss)
	}
	if isRolling(d) {
		return c.rolloutRolling(ctx, d, rss)
	}
	return c.rolloutRecreate(ctx, d, rss)
}

// syncPaused records a pause or resume in the Progressing condition.
func (c *Controller) syncPaused(ctx context.Context, d *appsv1.Deployment) error {
	cond := pausedCondition(d, c.now())
	if cond == nil {
		return nil
	}
	removeCondition(&d.Status, appsv1.DeploymentProgressing)
	setCondition(&d.Status, *cond)
	return c.writeStatus(ctx, d, d.Status)
}

// syncStatusOnly writes the status of a Deployment being deleted.
func (c *Controller) syncStatusOnly(ctx context.Context, d *appsv1.Deployment, rss []*appsv1.ReplicaSet) error {
	newRS, old, err := c.replicaSets(ctx, d, rss, false)
	if err != nil {
		return err
	}
	return c.writeStatus(ctx, d, computeStatus(d, append(old, newRS), newRS, c.now()))
}

// syncScale resizes ReplicaSets proportionally (used for scaling events and while paused);
// it does not roll out.
func (c *Controller) syncScale(ctx context.Context, d *appsv1.Deployment, rss []*appsv1.ReplicaSet) error {
	newRS, old, err := c.replicaSets(ctx, d, rss, false)
	if err != nil {
		return err
	}
	for _, r := range scaleTargets(d, newRS, old) {
		scaled, err := c.scale(ctx, d, r.rs, r.to)
		if err != nil {
			return err
		}
		newRS, old = replaceRS(newRS, old, scaled)
	}
	if d.Spec.Paused {
		if err := c.cleanup(ctx, d, old); err != nil {
			return err
		}
	}
	return c.writeStatus(ctx, d, computeStatus(d, append(old, newRS), newRS, c.now()))
}

// rolloutRolling takes one step of a rolling update: grow the new ReplicaSet, else shrink
// old ones, then record the rollout status.
func (c *Controller) rolloutRolling(ctx context.Context, d *appsv1.Deployment, rss []*appsv1.ReplicaSet) error {
	newRS, old, err := c.replicaSets(ctx, d, rss, true)
	if err != nil {
		return err
	}
	all := append([]*appsv1.ReplicaSet{newRS}, old...)
	if to := newRSTarget(d, all, newRS); to != rsReplicas(newRS) {
		if newRS, err = c.scale(ctx, d, newRS, to); err != nil {
			return err
		}
		return c.syncRolloutStatus(ctx, d, append(old, newRS), newRS)
	}
	if downs := oldScaleDowns(d, newRS, old); len(downs) > 0 {
		for _, r := range downs {
			scaled, err := c.scale(ctx, d, r.rs, r.to)
			if err != nil {
				return err
			}
			newRS, old = replaceRS(newRS, old, scaled)
		}
		return c.syncRolloutStatus(ctx, d, append(old, newRS), newRS)
	}
	return c.finishRollout(ctx, d, newRS, old)
}

// rolloutRecreate scales every old ReplicaSet to zero, waits until their pods are gone, then
// creates or grows the new ReplicaSet.
func (c *Controller) rolloutRecreate(ctx context.Context, d *appsv1.Deployment, rss []*appsv1.ReplicaSet) error {
	newRS, old, err := c.replicaSets(ctx, d, rss, false)
	if err != nil {
		return err
	}
	scaledDown := false
	for _, rs := range old {
		if rsReplicas(rs) == 0 {
			continue
		}
		scaled, err := c.scale(ctx, d, rs, 0)
		if err != nil {
			return err
		}
		newRS, old = replaceRS(newRS, old, scaled)
		scaledDown = true
	}
	if scaledDown || c.oldPodsRunning(old) {
		return c.syncRolloutStatus(ctx, d, append(old, newRS), newRS)
	}
	if newRS == nil {
		if newRS, old, err = c.replicaSets(ctx, d, rss, true); err != nil {
			return err
		}
	}
	if rsReplicas(newRS) != replicas(d) {
		if newRS, err = c.scale(ctx, d, newRS, replicas(d)); err != nil {
			return err
		}
		return c.syncRolloutStatus(ctx, d, append(old, newRS), newRS)
	}
	return c.finishRollout(ctx, d, newRS, old)
}

// finishRollout cleans up old ReplicaSets once the rollout is complete and records the status.
func (c *Controller) finishRollout(ctx context.Context, d *appsv1.Deployment, newRS *appsv1.ReplicaSet, old []*appsv1.ReplicaSet) error {
	all := append(old, newRS)
	st := computeStatus(d, all, newRS, c.now())
	if complete(d, &st) {
		if err := c.cleanup(ctx, d, old); err != nil {
			return err
		}
	}
	return c.syncRolloutStatus(ctx, d, all, newRS)
}

// oldPodsRunning reports whether old ReplicaSets still have pods that are not finished.
func (c *Controller) oldPodsRunning(old []*appsv1.ReplicaSet) bool {
	for _, rs := range old {
		if rs.Status.Replicas > 0 {
			return true
		}
	}
	if len(old) == 0 {
		return false
	}
	pods, err := c.pods.Pods(old[0].Namespace).List(labels.Everything())
	if err != nil {
		return true
	}
	for _, p := range pods {
		ref := metav1.GetControllerOf(p)
		if ref == nil || p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed {
			continue
		}
		for _, rs := range old {
			if ref.UID == rs.UID {
				return true
			}
		}
	}
	return false
}

// syncRolloutStatus writes the rollout status and, while a progress deadline may pass,
// schedules a sync to notice it.
func (c *Controller) syncRolloutStatus(ctx context.Context, d *appsv1.Deployment, all []*appsv1.ReplicaSet, newRS *appsv1.ReplicaSet) error {
	st := rolloutStatus(d, all, newRS, c.now())
	if err := c.writeStatus(ctx, d, st); err != nil {
		return err
	}
	if after := requeueAfter(d, &st, c.clk.Now()); after > 0 {
		c.queue.AddAfter(d.Namespace+"/"+d.Name, after)
	}
	return nil
}

// replaceRS puts scaled in place of the ReplicaSet with its UID.
func replaceRS(newRS *appsv1.ReplicaSet, old []*appsv1.ReplicaSet, scaled *appsv1.ReplicaSet) (*appsv1.ReplicaSet, []*appsv1.ReplicaSet) {
	if newRS != nil && newRS.UID == scaled.UID {
		return scaled, old
	}
	out := make([]*appsv1.ReplicaSet, len(old))
	for i, rs := range old {
		out[i] = rs
		if rs.UID == scaled.UID {
			out[i] = scaled
		}
	}
	return newRS, out
}

func (c *Controller) now() metav1.Time { return metav1.NewTime(c.clk.Now()) }
