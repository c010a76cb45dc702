package podgc

import (
	"cmp"
	"slices"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// terminated reports whether a pod finished (Succeeded or Failed).
func terminated(p *corev1.Pod) bool {
	return p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed
}

// excessTerminated returns the terminated pods beyond threshold, oldest (by creation time,
// then namespace/name) first. Pods already being deleted are not counted. threshold <= 0
// disables the cap.
func excessTerminated(pods []*corev1.Pod, threshold int) []*corev1.Pod {
	if threshold <= 0 {
		return nil
	}
	var done []*corev1.Pod
	for _, p := range pods {
		if terminated(p) && p.DeletionTimestamp == nil {
			done = append(done, p)
		}
	}
	if len(done) <= threshold {
		return nil
	}
	slices.SortFunc(done, func(a, b *corev1.Pod) int {
		return cmp.Or(a.CreationTimestamp.Compare(b.CreationTimestamp.Time),
			cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name))
	})
	return done[:len(done)-threshold]
}

// trackMissing returns when each node that pods are bound to was first seen missing: prev's
// times are kept for nodes still missing, now is used for newly missing ones, and nodes that
// exist (or no longer have pods) are dropped.
func trackMissing(prev map[string]time.Time, pods []*corev1.Pod, exists func(string) bool, now time.Time) map[string]time.Time {
	out := map[string]time.Time{}
	for _, p := range pods {
		n := p.Spec.NodeName
		if n == "" || exists(n) {
			continue
		}
		if _, ok := out[n]; ok {
			continue
		}
		if t, ok := prev[n]; ok {
			out[n] = t
		} else {
			out[n] = now
		}
	}
	return out
}

// expiredNodes returns, sorted, the missing nodes whose quarantine has passed.
func expiredNodes(missing map[string]time.Time, now time.Time, quarantine time.Duration) []string {
	var out []string
	for n, since := range missing {
		if now.Sub(since) >= quarantine {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}

// unscheduledTerminating returns pods being deleted that were never bound to a node: no kubelet
// will ever finish them.
func unscheduledTerminating(pods []*corev1.Pod) []*corev1.Pod {
	var out []*corev1.Pod
	for _, p := range pods {
		if p.DeletionTimestamp != nil && p.Spec.NodeName == "" {
			out = append(out, p)
		}
	}
	return out
}
