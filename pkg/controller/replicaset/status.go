package replicaset

import (
	"slices"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/kubectl/pkg/util/podutils"
)

// manageError is a failed create or delete of pods, reported in the ReplicaFailure condition.
type manageError struct {
	reason string // FailedCreate or FailedDelete
	err    error
}

func (e *manageError) Error() string { return e.err.Error() }
func (e *manageError) Unwrap() error { return e.err }

// computeStatus returns the status of rs given its active owned pods, the error of this sync's
// pod writes (nil if none) and the current time. rs is not modified.
func computeStatus(rs *appsv1.ReplicaSet, owned []*corev1.Pod, merr *manageError, now metav1.Time) appsv1.ReplicaSetStatus {
	st := appsv1.ReplicaSetStatus{
		Replicas:           int32(len(owned)),
		ObservedGeneration: rs.Generation,
		Conditions:         slices.Clone(rs.Status.Conditions),
	}
	tmpl := labels.SelectorFromSet(rs.Spec.Template.Labels)
	for _, p := range owned {
		if tmpl.Matches(labels.Set(p.Labels)) {
			st.FullyLabeledReplicas++
		}
		if podutils.IsPodReady(p) {
			st.ReadyReplicas++
			if podutils.IsPodAvailable(p, rs.Spec.MinReadySeconds, now) {
				st.AvailableReplicas++
			}
		}
	}
	st.Conditions = failureCondition(st.Conditions, merr, now)
	return st
}

// failureCondition sets the ReplicaFailure condition when merr is not nil (keeping an existing
// one) and removes it otherwise.
func failureCondition(conds []appsv1.ReplicaSetCondition, merr *manageError, now metav1.Time) []appsv1.ReplicaSetCondition {
	i := slices.IndexFunc(conds, func(c appsv1.ReplicaSetCondition) bool { return c.Type == appsv1.ReplicaSetReplicaFailure })
	switch {
	case merr != nil && i < 0:
		return append(conds, appsv1.ReplicaSetCondition{Type: appsv1.ReplicaSetReplicaFailure, Status: corev1.ConditionTrue,
			LastTransitionTime: now, Reason: merr.reason, Message: merr.Error()})
	case merr == nil && i >= 0:
		return slices.Delete(conds, i, i+1)
	}
	return conds
}
