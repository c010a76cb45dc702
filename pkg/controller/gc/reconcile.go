package gc

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"skiff/pkg/controller/loop"
)

// errNotSynced asks for a retry while some informer has not synced: deciding that an owner has
// no dependents needs every cache.
var errNotSynced = fmt.Errorf("informers not synced: %w", loop.ErrRetry)

// reconcile collects one object: an owner being deleted with a collector finalizer is
// orphaned or deletes its dependents; an object with owners is kept, unlinked or deleted.
func (c *Controller) reconcile(ctx context.Context, k objKey) error {
	o, ok := c.mons.get(k)
	if !ok {
		return nil
	}
	switch phaseOf(o) {
	case ownerOrphaning:
		return c.orphan(ctx, k, o)
	case ownerForeground:
		return c.foreground(ctx, k, o)
	}
	if o.GetDeletionTimestamp() != nil || len(o.GetOwnerReferences()) == 0 {
		return nil
	}
	return c.collect(ctx, k, o)
}

// collect decides on the cached object first and, when that asks for a write, decides again
// on a live read so that nothing is deleted on stale data.
func (c *Controller) collect(ctx context.Context, k objKey, cached metav1.Object) error {
	plan, err := c.plan(ctx, cached)
	if err != nil || plan.verb == doNothing {
		return err
	}
	live, err := c.getLive(ctx, k, cached.GetUID())
	if err != nil || live == nil || live.GetDeletionTimestamp() != nil {
		return err
	}
	if plan, err = c.plan(ctx, live); err != nil {
		return err
	}
	return c.apply(ctx, k, live, plan)
}

func (c *Controller) plan(ctx context.Context, o metav1.Object) (dependentPlan, error) {
	states, err := c.ownerStates(ctx, o)
	if err != nil {
		return dependentPlan{}, err
	}
	hasDeps := len(c.mons.dependents(o.GetUID())) > 0
	return decideDependent(o.GetOwnerReferences(), states, o.GetFinalizers(), hasDeps), nil
}

func (c *Controller) apply(ctx context.Context, k objKey, o metav1.Object, p dependentPlan) error {
	switch p.verb {
	case doRemoveRefs:
		return c.patchRefs(ctx, k, o, p.uids)
	case doDelete:
		c.log.Info("deleting dependent", "resource", k.gvr.String(), "namespace", k.namespace, "name", k.name, "policy", string(p.policy))
		return c.deleteObject(ctx, k, o.GetUID(), p.policy)
	}
	return nil
}

// orphan removes the references to an owner with the orphan finalizer from its dependents,
// then the finalizer.
func (c *Controller) orphan(ctx context.Context, k objKey, o metav1.Object) error {
	if !c.mons.synced() {
		return errNotSynced
	}
	for _, d := range c.mons.dependents(o.GetUID()) {
		dk := keyOf(d)
		live, err := c.getLive(ctx, dk, d.obj.GetUID())
		if err != nil {
			return fmt.Errorf("orphan %s %s: %w", dk.gvr.Resource, dk.cacheKey(), err)
		}
		if live == nil {
			continue
		}
		if err := c.patchRefs(ctx, dk, live, []types.UID{o.GetUID()}); err != nil {
			return fmt.Errorf("orphan %s %s: %w", dk.gvr.Resource, dk.cacheKey(), err)
		}
	}
	return c.removeFinalizer(ctx, k, o.GetUID(), metav1.FinalizerOrphanDependents)
}

// foreground deletes the dependents of an owner in foreground deletion and removes its
// finalizer once none blocks it. Deleted dependents re-enqueue the owner.
func (c *Controller) foreground(ctx context.Context, k objKey, o metav1.Object) error {
	if !c.mons.synced() {
		return errNotSynced
	}
	deps := c.mons.dependents(o.GetUID())
	objs := make([]metav1.Object, 0, len(deps))
	for _, d := range deps {
		objs = append(objs, d.obj)
		if d.obj.GetDeletionTimestamp() == nil {
			c.queue.Add(keyOf(d))
		}
	}
	if !foregroundDone(o.GetUID(), objs) {
		return nil
	}
	return c.removeFinalizer(ctx, k, o.GetUID(), metav1.FinalizerDeleteDependents)
}
