package statefulset

import (
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
)

// computeStatus derives set's status from its pods at now. When a rolling update has replaced
// every pod and all are ready, the update revision becomes the current one.
func computeStatus(set *appsv1.StatefulSet, pods []*corev1.Pod, currentRev, nextRev string, now time.Time) appsv1.StatefulSetStatus {
	st := appsv1.StatefulSetStatus{
		ObservedGeneration: set.Generation, CurrentRevision: currentRev, UpdateRevision: nextRev,
		CollisionCount: set.Status.CollisionCount, Conditions: set.Status.Conditions,
	}
	for _, p := range pods {
		if _, ok := ordinalOf(set, p); !ok {
			continue
		}
		st.Replicas++
		if healthy(p) {
			st.ReadyReplicas++
		}
		if available(p, set.Spec.MinReadySeconds, now) {
			st.AvailableReplicas++
		}
		if p.DeletionTimestamp != nil {
			continue
		}
		if revisionOf(p) == currentRev {
			st.CurrentReplicas++
		}
		if revisionOf(p) == nextRev {
			st.UpdatedReplicas++
		}
	}
	n := int32(replicas(set))
	if st.UpdatedReplicas == n && st.ReadyReplicas == n && st.Replicas == n {
		st.CurrentRevision, st.CurrentReplicas = nextRev, st.UpdatedReplicas
	}
	return st
}

// availableAfter returns how long until a ready but not yet available pod becomes available
// (0 when none is waiting).
func availableAfter(set *appsv1.StatefulSet, pods []*corev1.Pod, now time.Time) time.Duration {
	var wait time.Duration
	for _, p := range pods {
		if !healthy(p) || available(p, set.Spec.MinReadySeconds, now) {
			continue
		}
		for _, c := range p.Status.Conditions {
			if c.Type == corev1.PodReady {
				d := c.LastTransitionTime.Add(time.Duration(set.Spec.MinReadySeconds) * time.Second).Sub(now)
				if wait == 0 || d < wait {
					wait = max(d, time.Second)
				}
			}
		}
	}
	return wait
}
