// Package podcond edits the conditions of a pod status the way every writer of pod status
// (kubelet, simulated nodes) must: one condition per type, transition time kept while the
// status holds.
package podcond

import corev1 "k8s.io/api/core/v1"

// Set replaces the condition of c's type in st, or appends c. When the status is unchanged the
// old LastTransitionTime is kept, so a condition's transition time marks its last real change.
func Set(st *corev1.PodStatus, c corev1.PodCondition) {
	for i := range st.Conditions {
		old := &st.Conditions[i]
		if old.Type != c.Type {
			continue
		}
		if old.Status == c.Status {
			c.LastTransitionTime = old.LastTransitionTime
		}
		*old = c
		return
	}
	st.Conditions = append(st.Conditions, c)
}
