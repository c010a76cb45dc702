package sim

import (
	"fmt"
	"strconv"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// action is what the simulator does next for one pod on one of its nodes.
type action int

const (
	actNone    action = iota // nothing to do
	actWait                  // requeue after plan.after
	actStart                 // write the running status
	actFinish                // containers exit for good: Succeeded or Failed
	actRestart               // containers exit with a failure and restart (OnFailure)
	actDelete                // delete the terminating pod with grace 0
)

// plan is the decision for one pod.
type plan struct {
	act      action
	after    time.Duration // for actWait
	exitCode int32         // for actFinish, actRestart
}

// planPod decides what to do with pod at now. It does no I/O. termDelay caps how long a
// terminating pod lingers. An invalid exit annotation is reported as an error with actNone.
func planPod(pod *corev1.Pod, now time.Time, termDelay time.Duration) (plan, error) {
	if pod.DeletionTimestamp != nil {
		return planDeletion(pod, now, termDelay), nil
	}
	switch {
	case pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed:
		return plan{act: actNone}, nil
	case pod.Status.Phase != corev1.PodRunning || len(pod.Status.ContainerStatuses) == 0:
		return plan{act: actStart}, nil
	}
	return planExit(pod, now)
}

// planDeletion deletes once min(grace, termDelay) has passed since the delete request.
func planDeletion(pod *corev1.Pod, now time.Time, termDelay time.Duration) plan {
	grace := time.Duration(0)
	if g := pod.DeletionGracePeriodSeconds; g != nil && *g > 0 {
		grace = time.Duration(*g) * time.Second
	}
	requested := pod.DeletionTimestamp.Add(-grace)
	if wait := requested.Add(min(grace, termDelay)).Sub(now); wait > 0 {
		return plan{act: actWait, after: wait}
	}
	return plan{act: actDelete}
}

// planExit makes a running pod's containers exit when its exit-after annotation says so.
func planExit(pod *corev1.Pod, now time.Time) (plan, error) {
	after, code, ok, err := exitSpec(pod)
	if !ok || err != nil {
		return plan{act: actNone}, err
	}
	started := pod.Status.ContainerStatuses[0].State.Running
	if started == nil {
		return plan{act: actNone}, nil
	}
	if wait := started.StartedAt.Add(after).Sub(now); wait > 0 {
		return plan{act: actWait, after: wait}, nil
	}
	if code != 0 && pod.Spec.RestartPolicy == corev1.RestartPolicyOnFailure {
		return plan{act: actRestart, exitCode: code}, nil
	}
	return plan{act: actFinish, exitCode: code}, nil
}

// exitSpec reads the exit annotations of a pod whose restartPolicy lets containers finish.
// ok is false when they do not apply.
func exitSpec(pod *corev1.Pod) (after time.Duration, code int32, ok bool, err error) {
	s, set := pod.Annotations[AnnotationExitAfter]
	if !set || pod.Spec.RestartPolicy == corev1.RestartPolicyAlways || pod.Spec.RestartPolicy == "" {
		return 0, 0, false, nil
	}
	if after, err = time.ParseDuration(s); err != nil || after < 0 {
		return 0, 0, false, fmt.Errorf("annotation %s=%q: want a non-negative duration", AnnotationExitAfter, s)
	}
	if c, set := pod.Annotations[AnnotationExitCode]; set {
		n, err := strconv.ParseInt(c, 10, 32)
		if err != nil {
			return 0, 0, false, fmt.Errorf("annotation %s=%q: %w", AnnotationExitCode, c, err)
		}
		code = int32(n)
	}
	return after, code, true, nil
}
