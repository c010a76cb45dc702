package replicaset

import (
	corev1 "k8s.io/api/core/v1"
)

// plan is what one sync does to a ReplicaSet's pods: create a number of pods or delete some.
type plan struct {
	create int
	delete []*corev1.Pod
}

// decide compares the wanted replicas with the active pods a ReplicaSet owns and returns the
// plan, creating or deleting at most burst pods. Deletions follow rankForDeletion.
func decide(want int, owned []*corev1.Pod, burst int) plan {
	diff := want - len(owned)
	switch {
	case diff > 0:
		return plan{create: min(diff, burst)}
	case diff < 0:
		return plan{delete: rankForDeletion(owned)[:min(-diff, burst)]}
	}
	return plan{}
}

// slowStartBatches splits n operations into batches of 1, 2, 4, ... (the last one smaller), so a
// failing request fails once rather than n times.
func slowStartBatches(n int) []int {
	var out []int
	for size := 1; n > 0; size *= 2 {
		b := min(size, n)
		out = append(out, b)
		n -= b
	}
	return out
}

// isActive reports whether a pod counts toward a ReplicaSet's replicas: not finished and not
// being deleted.
func isActive(p *corev1.Pod) bool {
	return p.Status.Phase != corev1.PodSucceeded && p.Status.Phase != corev1.PodFailed && p.DeletionTimestamp == nil
}
