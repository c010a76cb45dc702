package gc

import (
	"slices"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

// ownerState is what the collector knows about one owner of a dependent.
type ownerState int

const (
	// ownerSolid exists and is not deleting its dependents first.
	ownerSolid ownerState = iota
	// ownerAbsent does not exist (verified with a live GET) or has another uid.
	ownerAbsent
	// ownerWaiting is being deleted in the foreground: its dependents go first.
	ownerWaiting
)

// verb is what to do with a dependent.
type verb int

const (
	doNothing verb = iota
	// doRemoveRefs removes the ownerReferences listed in plan.uids.
	doRemoveRefs
	// doDelete deletes the dependent with plan.policy.
	doDelete
)

// dependentPlan is the decision for one object with ownerReferences.
type dependentPlan struct {
	verb   verb
	uids   []types.UID
	policy metav1.DeletionPropagation
}

// decideDependent decides what to do with an object that is not being deleted, given the
// state of each of its owners (by uid) and whether the object itself owns anything. An object
// with at least one solid owner keeps living and loses its references to absent or
// foreground-deleting owners; otherwise it is deleted, in the foreground when a
// foreground-deleting owner waits for it and it has dependents of its own.
func decideDependent(refs []metav1.OwnerReference, states map[types.UID]ownerState, finalizers []string, hasDependents bool) dependentPlan {
	var solid, waiting, stale []types.UID
	for _, r := range refs {
		switch states[r.UID] {
		case ownerSolid:
			solid = append(solid, r.UID)
		case ownerWaiting:
			waiting = append(waiting, r.UID)
			stale = append(stale, r.UID)
		case ownerAbsent:
			stale = append(stale, r.UID)
		}
	}
	switch {
	case len(refs) == 0:
		return dependentPlan{}
	case len(solid) > 0 && len(stale) == 0:
		return dependentPlan{}
	case len(solid) > 0:
		return dependentPlan{verb: doRemoveRefs, uids: stale}
	case len(waiting) > 0 && hasDependents:
		return dependentPlan{verb: doDelete, policy: metav1.DeletePropagationForeground}
	default:
		return dependentPlan{verb: doDelete, policy: defaultPolicy(finalizers)}
	}
}

// defaultPolicy is the propagation policy an object asked for through its finalizers, or
// Background.
func defaultPolicy(finalizers []string) metav1.DeletionPropagation {
	switch {
	case slices.Contains(finalizers, metav1.FinalizerOrphanDependents):
		return metav1.DeletePropagationOrphan
	case slices.Contains(finalizers, metav1.FinalizerDeleteDependents):
		return metav1.DeletePropagationForeground
	default:
		return metav1.DeletePropagationBackground
	}
}

// ownerPhase is the garbage-collection work an owner being deleted asks for.
type ownerPhase int

const (
	ownerIdle ownerPhase = iota
	// ownerOrphaning: remove references to it from dependents, then the orphan finalizer.
	ownerOrphaning
	// ownerForeground: delete dependents, then the foregroundDeletion finalizer.
	ownerForeground
)

// phaseOf tells which propagation an object is in. Objects that are not being deleted, or are
// being deleted without a collector finalizer, are idle.
func phaseOf(o metav1.Object) ownerPhase {
	if o.GetDeletionTimestamp() == nil {
		return ownerIdle
	}
	switch f := o.GetFinalizers(); {
	case slices.Contains(f, metav1.FinalizerOrphanDependents):
		return ownerOrphaning
	case slices.Contains(f, metav1.FinalizerDeleteDependents):
		return ownerForeground
	default:
		return ownerIdle
	}
}

// stateOf is the ownerState of an existing owner object.
func stateOf(owner metav1.Object) ownerState {
	if phaseOf(owner) == ownerForeground {
		return ownerWaiting
	}
	return ownerSolid
}

// blocking reports whether dependent refers to owner with blockOwnerDeletion=true.
func blocking(dependent metav1.Object, owner types.UID) bool {
	for _, r := range dependent.GetOwnerReferences() {
		if r.UID == owner && r.BlockOwnerDeletion != nil && *r.BlockOwnerDeletion {
			return true
		}
	}
	return false
}

// foregroundDone reports whether an owner in foreground deletion may lose its finalizer: no
// remaining dependent blocks it.
func foregroundDone(owner types.UID, dependents []metav1.Object) bool {
	return !slices.ContainsFunc(dependents, func(d metav1.Object) bool { return blocking(d, owner) })
}

// withoutRefs returns refs minus those whose uid is in drop, as a new slice.
func withoutRefs(refs []metav1.OwnerReference, drop []types.UID) []metav1.OwnerReference {
	out := make([]metav1.OwnerReference, 0, len(refs))
	for _, r := range refs {
		if !slices.Contains(drop, r.UID) {
			out = append(out, r)
		}
	}
	return out
}
