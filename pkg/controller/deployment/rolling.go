package deployment

import (
	appsv1 "k8s.io/api/apps/v1"
)

// resize is a decided spec.replicas for one ReplicaSet.
type resize struct {
	rs *appsv1.ReplicaSet
	to int32
}

// newRSTarget is the size the new ReplicaSet of a rolling update should have now: grown as far
// as maxSurge allows, or shrunk to spec.replicas if it is larger.
func newRSTarget(d *appsv1.Deployment, all []*appsv1.ReplicaSet, newRS *appsv1.ReplicaSet) int32 {
	if rsReplicas(newRS) > replicas(d) {
		return replicas(d)
	}
	return newRSReplicas(d, all, newRS)
}

// oldScaleDowns decides how far to shrink the old ReplicaSets (oldest first) of a rolling
// update without going below spec.replicas - maxUnavailable available pods: first pods that
// are not available, then available ones down to the bound. Only changes are returned.
func oldScaleDowns(d *appsv1.Deployment, newRS *appsv1.ReplicaSet, old []*appsv1.ReplicaSet) []resize {
	if specReplicas(old) == 0 {
		return nil
	}
	all := append([]*appsv1.ReplicaSet{newRS}, old...)
	minAvailable := replicas(d) - maxUnavailable(d)
	newUnavailable := max(0, rsReplicas(newRS)-newRS.Status.AvailableReplicas)
	budget := specReplicas(all) - minAvailable - newUnavailable
	if budget <= 0 {
		return nil
	}
	sizes := make([]int32, len(old))
	for i, rs := range old {
		sizes[i] = rsReplicas(rs)
	}
	cleaned := cleanupUnhealthy(old, sizes, budget)
	scaleDownAvailable(old, sizes, min(budget-cleaned, availableReplicas(all)-minAvailable))
	var out []resize
	for i, rs := range old {
		if sizes[i] != rsReplicas(rs) {
			out = append(out, resize{rs: rs, to: sizes[i]})
		}
	}
	return out
}

// cleanupUnhealthy lowers sizes by the unavailable pods of each ReplicaSet, at most budget in
// total, and returns how many it removed.
func cleanupUnhealthy(old []*appsv1.ReplicaSet, sizes []int32, budget int32) int32 {
	var done int32
	for i, rs := range old {
		if done >= budget {
			break
		}
		unhealthy := sizes[i] - min(rs.Status.AvailableReplicas, sizes[i])
		if sizes[i] == 0 || unhealthy <= 0 {
			continue
		}
		n := min(budget-done, unhealthy)
		sizes[i] -= n
		done += n
	}
	return done
}

// scaleDownAvailable lowers sizes by up to total pods, oldest ReplicaSet first.
func scaleDownAvailable(old []*appsv1.ReplicaSet, sizes []int32, total int32) {
	var done int32
	for i := range old {
		if done >= total {
			return
		}
		n := min(sizes[i], total-done)
		sizes[i] -= n
		done += n
	}
}
