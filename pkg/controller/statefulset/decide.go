package statefulset

import (
	"slices"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
)

// input is the cached state one sync decides from.
type input struct {
	set                 *appsv1.StatefulSet
	pods                []*corev1.Pod // pods the set controls
	currentRev, nextRev string        // revision names: status.currentRevision and the template's
}

// plan lists the pod writes of one sync: create pods at ordinals, delete pods.
type plan struct {
	create []int
	delete []*corev1.Pod
}

// members splits pods into slots for ordinals [start, start+replicas) (nil where missing) and
// condemned pods beyond, highest ordinal first.
func members(set *appsv1.StatefulSet, pods []*corev1.Pod) (slots, condemned []*corev1.Pod) {
	start, n := startOrdinal(set), replicas(set)
	slots = make([]*corev1.Pod, n)
	for _, p := range pods {
		ord, ok := ordinalOf(set, p)
		switch {
		case !ok:
		case ord >= start && ord < start+n:
			slots[ord-start] = p
		default:
			condemned = append(condemned, p)
		}
	}
	slices.SortFunc(condemned, func(a, b *corev1.Pod) int {
		x, _ := ordinalOf(set, a)
		y, _ := ordinalOf(set, b)
		return y - x
	})
	return slots, condemned
}

// decide computes the pod writes for one sync. It is pure. OrderedReady sets do at most one
// write and wait for every earlier pod to be Running and Ready; Parallel sets create and delete
// freely. Rolling updates replace one pod at a time from the highest ordinal down to the
// partition.
func decide(in input) plan {
	var p plan
	slots, condemned := members(in.set, in.pods)
	ordered := in.set.Spec.PodManagementPolicy != appsv1.ParallelPodManagement
	if !p.fillSlots(in.set, slots, ordered) || !p.removeCondemned(slots, condemned, ordered) {
		return p
	}
	p.rollOut(in, slots)
	return p
}

// fillSlots creates missing pods and deletes finished ones; it returns false when an ordered
// set must stop here.
func (p *plan) fillSlots(set *appsv1.StatefulSet, slots []*corev1.Pod, ordered bool) bool {
	start := startOrdinal(set)
	for i, pod := range slots {
		switch {
		case pod == nil:
			p.create = append(p.create, start+i)
		case isFinished(pod) && pod.DeletionTimestamp == nil:
			p.delete = append(p.delete, pod)
		case healthy(pod):
			continue
		}
		if ordered {
			return false
		}
	}
	return true
}

// removeCondemned deletes pods beyond the replica count, highest ordinal first; ordered sets
// delete one at a time and only while every other pod is healthy.
func (p *plan) removeCondemned(slots, condemned []*corev1.Pod, ordered bool) bool {
	for i, pod := range condemned {
		if pod.DeletionTimestamp != nil {
			if ordered {
				return false
			}
			continue
		}
		if ordered && !allHealthy(slots) || ordered && !allHealthy(condemned[i+1:]) {
			return false
		}
		p.delete = append(p.delete, pod)
		if ordered {
			return false
		}
	}
	return true
}

// rollOut deletes the highest-ordinal pod not at the update revision (at or above the
// partition), waiting while any pod in that range is unhealthy.
func (p *plan) rollOut(in input, slots []*corev1.Pod) {
	if in.set.Spec.UpdateStrategy.Type == appsv1.OnDeleteStatefulSetStrategyType {
		return
	}
	start, partition := startOrdinal(in.set), partition(in.set)
	for i := len(slots) - 1; i >= 0 && start+i >= partition; i-- {
		pod := slots[i]
		if pod == nil || slices.Contains(p.delete, pod) {
			return
		}
		if revisionOf(pod) != in.nextRev && pod.DeletionTimestamp == nil {
			p.delete = append(p.delete, pod)
			return
		}
		if !healthy(pod) {
			return
		}
	}
}

// revisionFor returns which revision a new pod at ord gets: the current one below the partition
// of a RollingUpdate, else the update revision.
func revisionFor(set *appsv1.StatefulSet, ord int, currentRev, nextRev string) string {
	if set.Spec.UpdateStrategy.Type != appsv1.OnDeleteStatefulSetStrategyType && ord < partition(set) {
		return currentRev
	}
	return nextRev
}

func revisionOf(pod *corev1.Pod) string { return pod.Labels[appsv1.ControllerRevisionHashLabelKey] }

// healthy reports whether pod is Running, Ready and not being deleted.
func healthy(pod *corev1.Pod) bool {
	return pod.Status.Phase == corev1.PodRunning && isReady(pod) && pod.DeletionTimestamp == nil
}

func allHealthy(pods []*corev1.Pod) bool {
	for _, p := range pods {
		if p == nil || !healthy(p) {
			return false
		}
	}
	return true
}

func isFinished(pod *corev1.Pod) bool {
	return pod.Status.Phase == corev1.PodFailed || pod.Status.Phase == corev1.PodSucceeded
}

func isReady(pod *corev1.Pod) bool {
	for _, c := range pod.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// available reports whether pod has been ready for minReadySeconds at now.
func available(pod *corev1.Pod, minReady int32, now time.Time) bool {
	if !healthy(pod) {
		return false
	}
	for _, c := range pod.Status.Conditions {
		if c.Type == corev1.PodReady {
			return minReady == 0 || !c.LastTransitionTime.Add(time.Duration(minReady)*time.Second).After(now)
		}
	}
	return false
}

func replicas(set *appsv1.StatefulSet) int {
	if set.Spec.Replicas == nil {
		return 1
	}
	return int(*set.Spec.Replicas)
}

func partition(set *appsv1.StatefulSet) int {
	ru := set.Spec.UpdateStrategy.RollingUpdate
	if ru == nil || ru.Partition == nil {
		return 0
	}
	return int(*ru.Partition)
}
