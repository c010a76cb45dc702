package deployment

import (
	"math"
	"slices"

	appsv1 "k8s.io/api/apps/v1"
)

// scaleTargets decides the ReplicaSet sizes after spec.replicas of d changed (or while paused):
// the single active (or newest) ReplicaSet takes all replicas; a saturated new ReplicaSet
// makes old ones 0; otherwise, in a rolling update, the difference is spread over the active
// ReplicaSets in proportion to their size (leftovers to the largest). Every returned entry is
// written, with updated replicas annotations.
func scaleTargets(d *appsv1.Deployment, newRS *appsv1.ReplicaSet, old []*appsv1.ReplicaSet) []resize {
	if rs := activeOrLatest(newRS, old); rs != nil {
		if rsReplicas(rs) == replicas(d) {
			return nil
		}
		return []resize{{rs: rs, to: replicas(d)}}
	}
	if saturated(d, newRS) {
		var out []resize
		for _, rs := range old {
			if rsReplicas(rs) != 0 {
				out = append(out, resize{rs: rs, to: 0})
			}
		}
		return out
	}
	if !isRolling(d) {
		return nil
	}
	return proportional(d, activeOf(newRS, old))
}

func proportional(d *appsv1.Deployment, active []*appsv1.ReplicaSet) []resize {
	var allowed int32
	if replicas(d) > 0 {
		allowed = replicas(d) + maxSurge(d)
	}
	toAdd := allowed - specReplicas(active)
	switch {
	case toAdd > 0:
		slices.SortStableFunc(active, func(a, b *appsv1.ReplicaSet) int { return bySize(a, b, true) })
	case toAdd < 0:
		slices.SortStableFunc(active, func(a, b *appsv1.ReplicaSet) int { return bySize(a, b, false) })
	}
	out := make([]resize, len(active))
	var added int32
	for i, rs := range active {
		p := proportion(d, rs, toAdd, added)
		out[i] = resize{rs: rs, to: rsReplicas(rs) + p}
		added += p
	}
	if len(out) > 0 && toAdd != 0 {
		out[0].to = max(0, out[0].to+toAdd-added)
	}
	return out
}

// bySize orders larger ReplicaSets first; among equal sizes newer first if newerFirst.
func bySize(a, b *appsv1.ReplicaSet, newerFirst bool) int {
	if ra, rb := rsReplicas(a), rsReplicas(b); ra != rb {
		return int(rb - ra)
	}
	if newerFirst {
		return byAge(b, a)
	}
	return byAge(a, b)
}

// proportion is rs's share of toAdd replicas, limited by what is left to add (added so far).
func proportion(d *appsv1.Deployment, rs *appsv1.ReplicaSet, toAdd, added int32) int32 {
	if rsReplicas(rs) == 0 || toAdd == 0 || toAdd == added {
		return 0
	}
	f, left := fraction(d, rs), toAdd-added
	if toAdd > 0 {
		return min(f, left)
	}
	return max(f, left)
}

// fraction is how many replicas rs gains (or loses) when d grows from the maximum recorded in
// rs's max-replicas annotation to its current spec.replicas + maxSurge.
func fraction(d *appsv1.Deployment, rs *appsv1.ReplicaSet) int32 {
	if replicas(d) == 0 {
		return -rsReplicas(rs)
	}
	maxNow := replicas(d) + maxSurge(d)
	before, ok := annotatedInt(rs, maxReplicasAnnotation)
	if !ok || before == 0 {
		if before = d.Status.Replicas; before == 0 {
			return 0
		}
	}
	size := float64(rsReplicas(rs)) * float64(maxNow) / float64(before)
	return int32(math.Round(size)) - rsReplicas(rs)
}

// activeOrLatest returns the only ReplicaSet with replicas, or when none has any the new one
// (else the newest old one); nil when several are active.
func activeOrLatest(newRS *appsv1.ReplicaSet, old []*appsv1.ReplicaSet) *appsv1.ReplicaSet {
	active := activeOf(newRS, old)
	switch len(active) {
	case 0:
		if newRS != nil {
			return newRS
		}
		if len(old) > 0 {
			return slices.MaxFunc(old, byAge)
		}
		return nil
	case 1:
		return active[0]
	}
	return nil
}

// activeOf returns newRS (if any) and old, keeping only those with replicas.
func activeOf(newRS *appsv1.ReplicaSet, old []*appsv1.ReplicaSet) []*appsv1.ReplicaSet {
	var out []*appsv1.ReplicaSet
	for _, rs := range append([]*appsv1.ReplicaSet{newRS}, old...) {
		if rs != nil && rsReplicas(rs) > 0 {
			out = append(out, rs)
		}
	}
	return out
}

// saturated reports whether newRS runs all of d's replicas, available.
func saturated(d *appsv1.Deployment, newRS *appsv1.ReplicaSet) bool {
	if newRS == nil {
		return false
	}
	desired, ok := annotatedInt(newRS, desiredReplicasAnnotation)
	return ok && desired == replicas(d) && rsReplicas(newRS) == replicas(d) && newRS.Status.AvailableReplicas == replicas(d)
}

// isScalingEvent reports whether d was resized since its active ReplicaSets were annotated.
func isScalingEvent(d *appsv1.Deployment, newRS *appsv1.ReplicaSet, old []*appsv1.ReplicaSet) bool {
	for _, rs := range activeOf(newRS, old) {
		if desired, ok := annotatedInt(rs, desiredReplicasAnnotation); ok && desired != replicas(d) {
			return true
		}
	}
	return false
}
