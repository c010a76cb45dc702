package job

import (
	"strconv"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// trackingFinalizer keeps a finished job pod around until the controller has counted it.
const trackingFinalizer = batchv1.JobTrackingFinalizer

// indexKey is the annotation and label holding an Indexed job pod's completion index.
const indexKey = batchv1.JobCompletionIndexAnnotation

// isFinished reports whether pod is over: Succeeded, Failed, or being deleted without having
// succeeded (a deleted pod counts as failed).
func isFinished(p *corev1.Pod) bool {
	return p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed || p.DeletionTimestamp != nil
}

// isSucceeded reports whether pod finished successfully.
func isSucceeded(p *corev1.Pod) bool { return p.Status.Phase == corev1.PodSucceeded }

// isActive reports whether pod is still pending or running and not being deleted.
func isActive(p *corev1.Pod) bool { return !isFinished(p) }

// isReady reports whether pod's Ready condition is True.
func isReady(p *corev1.Pod) bool {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// hasFinalizer reports whether pod carries the job tracking finalizer.
func hasFinalizer(p *corev1.Pod) bool {
	for _, f := range p.Finalizers {
		if f == trackingFinalizer {
			return true
		}
	}
	return false
}

// podIndex returns an Indexed job pod's completion index, or -1 when absent or malformed.
func podIndex(p *corev1.Pod) int {
	v, ok := p.Annotations[indexKey]
	if !ok {
		v, ok = p.Labels[indexKey]
	}
	if !ok {
		return -1
	}
	i, err := strconv.Atoi(v)
	if err != nil || i < 0 {
		return -1
	}
	return i
}

// failureTime estimates when pod failed: the latest container termination, else the latest
// condition transition, else the deletion or creation time.
func failureTime(p *corev1.Pod) time.Time {
	var t time.Time
	for _, cs := range p.Status.ContainerStatuses {
		if term := cs.State.Terminated; term != nil && term.FinishedAt.After(t) {
			t = term.FinishedAt.Time
		}
	}
	if !t.IsZero() {
		return t
	}
	for _, c := range p.Status.Conditions {
		if c.LastTransitionTime.After(t) {
			t = c.LastTransitionTime.Time
		}
	}
	if !t.IsZero() {
		return t
	}
	if p.DeletionTimestamp != nil {
		return p.DeletionTimestamp.Time
	}
	return p.CreationTimestamp.Time
}

// ownedBy reports whether job is pod's controller.
func ownedBy(p *corev1.Pod, job *batchv1.Job) bool {
	ref := metav1.GetControllerOf(p)
	return ref != nil && ref.UID == job.UID
}
