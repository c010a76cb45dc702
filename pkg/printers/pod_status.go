package printers

import (
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// podSummary is what `kubectl get pods` derives from a pod's status.
type podSummary struct {
	reason       string
	ready, total int
	restarts     int
	lastRestart  time.Time
}

// restartTally sums restart counts and tracks the latest termination.
type restartTally struct {
	count int
	last  time.Time
}

func (t *restartTally) add(s corev1.ContainerStatus) {
	t.count += int(s.RestartCount)
	if term := s.LastTerminationState.Terminated; term != nil && term.FinishedAt.After(t.last) {
		t.last = term.FinishedAt.Time
	}
}

// summarizePod computes the READY, STATUS and RESTARTS of a pod the way
// upstream kubectl does: the phase (or status reason) is refined by the
// first init container still at work, then by the containers' waiting or
// terminated reasons, then by deletion.
func summarizePod(pod *corev1.Pod) podSummary {
	s := podSummary{reason: podBaseReason(pod), total: len(pod.Spec.Containers) + countSidecars(pod)}
	var all, sidecars restartTally
	initReason, initializing := s.initStatus(pod, &all, &sidecars)
	if initializing {
		s.reason = initReason
	}
	if !initializing || podConditionTrue(pod.Status.Conditions, corev1.PodInitialized) {
		all = sidecars
		s.applyContainers(pod, &all)
	}
	s.restarts, s.lastRestart = all.count, all.last
	if pod.DeletionTimestamp != nil {
		s.reason = deletionReason(pod, s.reason)
	}
	return s
}

// podBaseReason is the phase, overridden by the status reason and by a
// scheduling gate.
func podBaseReason(pod *corev1.Pod) string {
	reason := string(pod.Status.Phase)
	if pod.Status.Reason != "" {
		reason = pod.Status.Reason
	}
	for _, c := range pod.Status.Conditions {
		if c.Type == corev1.PodScheduled && c.Reason == corev1.PodReasonSchedulingGated {
			reason = corev1.PodReasonSchedulingGated
		}
	}
	return reason
}

// deletionReason is the status of a pod being deleted.
func deletionReason(pod *corev1.Pod, reason string) string {
	switch {
	case pod.Status.Reason == nodeLostReason:
		return string(corev1.PodUnknown)
	case pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed:
		return reason
	}
	return "Terminating"
}

// isSidecar reports whether an init container is restartable (a sidecar).
func isSidecar(c *corev1.Container) bool {
	return c != nil && c.RestartPolicy != nil && *c.RestartPolicy == corev1.ContainerRestartPolicyAlways
}

func countSidecars(pod *corev1.Pod) int {
	n := 0
	for i := range pod.Spec.InitContainers {
		if isSidecar(&pod.Spec.InitContainers[i]) {
			n++
		}
	}
	return n
}

// initStatus walks the init containers in order, tallying restarts and
// ready sidecars, and returns the status of the first one that blocks
// initialization ("Init:1/3", "Init:CrashLoopBackOff", "Init:Error", ...).
func (s *podSummary) initStatus(pod *corev1.Pod, all, sidecars *restartTally) (string, bool) {
	specs := make(map[string]*corev1.Container, len(pod.Spec.InitContainers))
	for i := range pod.Spec.InitContainers {
		specs[pod.Spec.InitContainers[i].Name] = &pod.Spec.InitContainers[i]
	}
	for i, st := range pod.Status.InitContainerStatuses {
		all.add(st)
		sidecar := isSidecar(specs[st.Name])
		if sidecar {
			sidecars.add(st)
		}
		switch {
		case st.State.Terminated != nil && st.State.Terminated.ExitCode == 0:
			continue
		case sidecar && st.Started != nil && *st.Started:
			if st.Ready {
				s.ready++
			}
			continue
		}
		return initBlockedReason(st, i, len(pod.Spec.InitContainers)), true
	}
	return "", false
}

// initBlockedReason is the status of a pod whose i-th init container has
// not finished successfully.
func initBlockedReason(st corev1.ContainerStatus, i, total int) string {
	switch {
	case st.State.Terminated != nil:
		return "Init:" + terminatedReason(st.State.Terminated)
	case st.State.Waiting != nil && st.State.Waiting.Reason != "" && st.State.Waiting.Reason != "PodInitializing":
		return "Init:" + st.State.Waiting.Reason
	}
	return fmt.Sprintf("Init:%d/%d", i, total)
}

// terminatedReason is the reason of a terminated container, or its signal
// or exit code when no reason is given.
func terminatedReason(t *corev1.ContainerStateTerminated) string {
	switch {
	case t.Reason != "":
		return t.Reason
	case t.Signal != 0:
		return fmt.Sprintf("Signal:%d", t.Signal)
	}
	return fmt.Sprintf("ExitCode:%d", t.ExitCode)
}

// applyContainers refines the status from the app containers, walked from
// last to first so that the first container's state wins, and counts the
// ready ones. A "Completed" pod with a container still running is shown as
// Running (or NotReady when the pod is not Ready).
func (s *podSummary) applyContainers(pod *corev1.Pod, tally *restartTally) {
	hasRunning := false
	for i := len(pod.Status.ContainerStatuses) - 1; i >= 0; i-- {
		st := pod.Status.ContainerStatuses[i]
		tally.add(st)
		switch {
		case st.State.Waiting != nil && st.State.Waiting.Reason != "":
			s.reason = st.State.Waiting.Reason
		case st.State.Terminated != nil:
			s.reason = terminatedReason(st.State.Terminated)
		case st.Ready && st.State.Running != nil:
			hasRunning = true
			s.ready++
		}
	}
	if s.reason == "Completed" && hasRunning {
		s.reason = "NotReady"
		if podConditionTrue(pod.Status.Conditions, corev1.PodReady) {
			s.reason = string(corev1.PodRunning)
		}
	}
}
