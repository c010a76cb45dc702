package deployment

import (
	"fmt"
	"math"
	"slices"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Condition reasons, as upstream and kubectl know them.
const (
	reasonNewRSCreated      = "NewReplicaSetCreated"
	reasonFoundNewRS        = "FoundNewReplicaSet"
	reasonRSUpdated         = "ReplicaSetUpdated"
	reasonNewRSAvailable    = "NewReplicaSetAvailable"
	reasonTimedOut          = "ProgressDeadlineExceeded"
	reasonPaused            = "DeploymentPaused"
	reasonResumed           = "DeploymentResumed"
	reasonMinAvailable      = "MinimumReplicasAvailable"
	reasonMinUnavailable    = "MinimumReplicasUnavailable"
	reasonFailedRSCreate    = "ReplicaSetCreateError"
	messageMinAvailable     = "Deployment has minimum availability."
	messageMinUnavailable   = "Deployment does not have minimum availability."
	messagePaused           = "Deployment is paused"
	messageResumed          = "Deployment is resumed"
	progressingNotSupported = math.MaxInt32
)

// computeStatus derives d's status from its ReplicaSets (newRS may be nil): counts, the
// observed generation and the Available condition; other conditions are carried over.
func computeStatus(d *appsv1.Deployment, all []*appsv1.ReplicaSet, newRS *appsv1.ReplicaSet, now metav1.Time) appsv1.DeploymentStatus {
	st := appsv1.DeploymentStatus{
		ObservedGeneration: d.Generation,
		CollisionCount:     d.Status.CollisionCount,
		Conditions:         slices.Clone(d.Status.Conditions),
	}
	for _, rs := range all {
		if rs == nil {
			continue
		}
		st.Replicas += rs.Status.Replicas
		st.ReadyReplicas += rs.Status.ReadyReplicas
		st.AvailableReplicas += rs.Status.AvailableReplicas
	}
	if newRS != nil {
		st.UpdatedReplicas = newRS.Status.Replicas
	}
	st.UnavailableReplicas = max(0, specReplicas(all)-st.AvailableReplicas)
	if st.AvailableReplicas >= replicas(d)-maxUnavailable(d) {
		setCondition(&st, condition(appsv1.DeploymentAvailable, corev1.ConditionTrue, reasonMinAvailable, messageMinAvailable, now))
	} else {
		setCondition(&st, condition(appsv1.DeploymentAvailable, corev1.ConditionFalse, reasonMinUnavailable, messageMinUnavailable, now))
	}
	return st
}

func condition(t appsv1.DeploymentConditionType, s corev1.ConditionStatus, reason, msg string, now metav1.Time) appsv1.DeploymentCondition {
	return appsv1.DeploymentCondition{Type: t, Status: s, Reason: reason, Message: msg, LastUpdateTime: now, LastTransitionTime: now}
}

func getCondition(st *appsv1.DeploymentStatus, t appsv1.DeploymentConditionType) *appsv1.DeploymentCondition {
	for i := range st.Conditions {
		if st.Conditions[i].Type == t {
			return &st.Conditions[i]
		}
	}
	return nil
}

// setCondition sets c in st unless a condition of its type has the same status and reason;
// the transition time is kept when only the reason changes.
func setCondition(st *appsv1.DeploymentStatus, c appsv1.DeploymentCondition) {
	cur := getCondition(st, c.Type)
	if cur != nil && cur.Status == c.Status && cur.Reason == c.Reason {
		return
	}
	if cur != nil && cur.Status == c.Status {
		c.LastTransitionTime = cur.LastTransitionTime
	}
	removeCondition(st, c.Type)
	st.Conditions = append(st.Conditions, c)
}

func removeCondition(st *appsv1.DeploymentStatus, t appsv1.DeploymentConditionType) {
	st.Conditions = slices.DeleteFunc(st.Conditions, func(c appsv1.DeploymentCondition) bool { return c.Type == t })
}

func hasProgressDeadline(d *appsv1.Deployment) bool {
	return d.Spec.ProgressDeadlineSeconds != nil && *d.Spec.ProgressDeadlineSeconds != progressingNotSupported
}

// complete reports whether st shows d fully rolled out: all replicas updated and available,
// none old, for the current generation.
func complete(d *appsv1.Deployment, st *appsv1.DeploymentStatus) bool {
	return st.UpdatedReplicas == replicas(d) && st.Replicas == replicas(d) && st.AvailableReplicas == replicas(d) &&
		st.ObservedGeneration >= d.Generation
}

// progressing reports whether st shows progress over d's recorded status.
func progressing(d *appsv1.Deployment, st *appsv1.DeploymentStatus) bool {
	old := d.Status
	return st.UpdatedReplicas > old.UpdatedReplicas || st.Replicas-st.UpdatedReplicas < old.Replicas-old.UpdatedReplicas ||
		st.ReadyReplicas > old.ReadyReplicas || st.AvailableReplicas > old.AvailableReplicas
}

// timedOut reports whether d's rollout has not progressed within its progress deadline.
func timedOut(d *appsv1.Deployment, st *appsv1.DeploymentStatus, now time.Time) bool {
	if !hasProgressDeadline(d) {
		return false
	}
	c := getCondition(st, appsv1.DeploymentProgressing)
	if c == nil || c.Reason == reasonNewRSAvailable {
		return false
	}
	if c.Reason == reasonTimedOut {
		return true
	}
	deadline := c.LastUpdateTime.Add(time.Duration(*d.Spec.ProgressDeadlineSeconds) * time.Second)
	return deadline.Before(now)
}

// rolloutStatus computes the status to write after a rollout step: computeStatus plus the
// Progressing condition (complete, progressing or timed out) and ReplicaFailure from the new
// ReplicaSet.
func rolloutStatus(d *appsv1.Deployment, all []*appsv1.ReplicaSet, newRS *appsv1.ReplicaSet, now metav1.Time) appsv1.DeploymentStatus {
	st := computeStatus(d, all, newRS, now)
	if !hasProgressDeadline(d) {
		removeCondition(&st, appsv1.DeploymentProgressing)
	}
	cur := getCondition(&st, appsv1.DeploymentProgressing)
	if hasProgressDeadline(d) && (cur == nil || cur.Reason != reasonTimedOut) {
		progressCondition(d, &st, newRS, cur, now)
	}
	replicaFailure(&st, newRS)
	return st
}

func progressCondition(d *appsv1.Deployment, st *appsv1.DeploymentStatus, newRS *appsv1.ReplicaSet, cur *appsv1.DeploymentCondition, now metav1.Time) {
	name := ""
	if newRS != nil {
		name = newRS.Name
	}
	switch {
	case complete(d, st):
		setCondition(st, condition(appsv1.DeploymentProgressing, corev1.ConditionTrue, reasonNewRSAvailable,
			fmt.Sprintf("ReplicaSet %q has successfully progressed.", name), now))
	case progressing(d, st):
		c := condition(appsv1.DeploymentProgressing, corev1.ConditionTrue, reasonRSUpdated, fmt.Sprintf("ReplicaSet %q is progressing.", name), now)
		if cur != nil && cur.Status == corev1.ConditionTrue {
			c.LastTransitionTime = cur.LastTransitionTime
		}
		removeCondition(st, appsv1.DeploymentProgressing)
		setCondition(st, c)
	case timedOut(d, st, now.Time):
		setCondition(st, condition(appsv1.DeploymentProgressing, corev1.ConditionFalse, reasonTimedOut,
			fmt.Sprintf("ReplicaSet %q has timed out progressing.", name), now))
	}
}

// replicaFailure mirrors the new ReplicaSet's ReplicaFailure condition into st.
func replicaFailure(st *appsv1.DeploymentStatus, newRS *appsv1.ReplicaSet) {
	if newRS != nil {
		for _, c := range newRS.Status.Conditions {
			if c.Type == appsv1.ReplicaSetReplicaFailure {
				setCondition(st, appsv1.DeploymentCondition{Type: appsv1.DeploymentReplicaFailure, Status: c.Status,
					Reason: c.Reason, Message: c.Message, LastUpdateTime: c.LastTransitionTime, LastTransitionTime: c.LastTransitionTime})
				return
			}
		}
	}
	removeCondition(st, appsv1.DeploymentReplicaFailure)
}

// pausedCondition returns the Progressing condition to set when d's paused state differs
// from what its status records (DeploymentPaused / DeploymentResumed), or nil.
func pausedCondition(d *appsv1.Deployment, now metav1.Time) *appsv1.DeploymentCondition {
	if !hasProgressDeadline(d) {
		return nil
	}
	cur := getCondition(&d.Status, appsv1.DeploymentProgressing)
	paused := cur != nil && cur.Reason == reasonPaused
	switch {
	case d.Spec.Paused && !paused:
		c := condition(appsv1.DeploymentProgressing, corev1.ConditionUnknown, reasonPaused, messagePaused, now)
		return &c
	case !d.Spec.Paused && paused:
		c := condition(appsv1.DeploymentProgressing, corev1.ConditionUnknown, reasonResumed, messageResumed, now)
		return &c
	}
	return nil
}

// requeueAfter is when d must be synced again to notice a missed progress deadline, or 0.
func requeueAfter(d *appsv1.Deployment, st *appsv1.DeploymentStatus, now time.Time) time.Duration {
	c := getCondition(st, appsv1.DeploymentProgressing)
	if c == nil || !hasProgressDeadline(d) || c.Reason == reasonNewRSAvailable || c.Reason == reasonTimedOut || complete(d, st) {
		return 0
	}
	after := c.LastUpdateTime.Add(time.Duration(*d.Spec.ProgressDeadlineSeconds) * time.Second).Sub(now)
	return max(after, 0) + time.Second
}
