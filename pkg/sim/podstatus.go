package sim

import (
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"skiff/pkg/podcond"
	"skiff/pkg/qos"
)

// runningStatus is pod's status once its containers run on a node with hostIP, the pod having
// podIP, as of now. Init containers have completed (sidecars run); every container is ready.
// The input is not modified.
func runningStatus(pod *corev1.Pod, hostIP, podIP string, now time.Time) corev1.PodStatus {
	ts := metav1.NewTime(now.Truncate(time.Second))
	st := *pod.Status.DeepCopy()
	st.Phase = corev1.PodRunning
	st.Reason, st.Message = "", ""
	st.HostIP, st.HostIPs = hostIP, []corev1.HostIP{{IP: hostIP}}
	st.PodIP, st.PodIPs = podIP, []corev1.PodIP{{IP: podIP}}
	if st.StartTime == nil {
		st.StartTime = &ts
	}
	st.QOSClass = qos.Class(pod)
	st.InitContainerStatuses = initStatuses(pod, ts)
	st.ContainerStatuses = make([]corev1.ContainerStatus, 0, len(pod.Spec.Containers))
	for _, c := range pod.Spec.Containers {
		st.ContainerStatuses = append(st.ContainerStatuses, runningContainer(pod, c, ts))
	}
	setConditions(&st, corev1.ConditionTrue, "", ts)
	return st
}

// finishedStatus is pod's status after its containers exited with exitCode at now: Succeeded
// for 0, else Failed. The input is not modified.
func finishedStatus(pod *corev1.Pod, exitCode int32, now time.Time) corev1.PodStatus {
	ts := metav1.NewTime(now.Truncate(time.Second))
	st := *pod.Status.DeepCopy()
	st.Phase = corev1.PodSucceeded
	if exitCode != 0 {
		st.Phase = corev1.PodFailed
	}
	for i := range st.ContainerStatuses {
		terminate(&st.ContainerStatuses[i], exitCode, ts)
	}
	for i := range st.InitContainerStatuses {
		if st.InitContainerStatuses[i].State.Running != nil {
			terminate(&st.InitContainerStatuses[i], exitCode, ts)
		}
	}
	setConditions(&st, corev1.ConditionFalse, "PodCompleted", ts)
	return st
}

// restartedStatus is pod's status after its containers exited with exitCode at now and were
// restarted at once (restartPolicy OnFailure). The input is not modified.
func restartedStatus(pod *corev1.Pod, exitCode int32, now time.Time) corev1.PodStatus {
	ts := metav1.NewTime(now.Truncate(time.Second))
	st := *pod.Status.DeepCopy()
	for i := range st.ContainerStatuses {
		c := &st.ContainerStatuses[i]
		terminate(c, exitCode, ts)
		c.LastTerminationState, c.State = c.State, corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: ts}}
		c.RestartCount++
		c.Ready, c.Started = true, ptrTo(true)
	}
	return st
}

func initStatuses(pod *corev1.Pod, ts metav1.Time) []corev1.ContainerStatus {
	var out []corev1.ContainerStatus
	for _, c := range pod.Spec.InitContainers {
		s := runningContainer(pod, c, ts)
		if c.RestartPolicy == nil || *c.RestartPolicy != corev1.ContainerRestartPolicyAlways {
			terminate(&s, 0, ts)
		}
		out = append(out, s)
	}
	return out
}

func runningContainer(pod *corev1.Pod, c corev1.Container, ts metav1.Time) corev1.ContainerStatus {
	return corev1.ContainerStatus{
		Name:        c.Name,
		State:       corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: ts}},
		Ready:       true,
		Started:     ptrTo(true),
		Image:       c.Image,
		ImageID:     "sim://" + c.Image,
		ContainerID: "sim://" + string(pod.UID) + "/" + c.Name,
	}
}

// terminate moves a running container status to terminated with code at ts.
func terminate(s *corev1.ContainerStatus, code int32, ts metav1.Time) {
	started := ts
	if s.State.Running != nil {
		started = s.State.Running.StartedAt
	}
	reason := "Completed"
	if code != 0 {
		reason = "Error"
	}
	s.State = corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{
		ExitCode: code, Reason: reason, StartedAt: started, FinishedAt: ts, ContainerID: s.ContainerID,
	}}
	s.Ready, s.Started = false, ptrTo(false)
}

// setConditions sets the pod conditions a kubelet owns: Initialized and PodScheduled stay True,
// ContainersReady and Ready take ready (with reason), PodReadyToStartContainers is True.
func setConditions(st *corev1.PodStatus, ready corev1.ConditionStatus, reason string, ts metav1.Time) {
	set := func(t corev1.PodConditionType, s corev1.ConditionStatus, r string) {
		podcond.Set(st, corev1.PodCondition{Type: t, Status: s, Reason: r, LastTransitionTime: ts})
	}
	set(corev1.PodScheduled, corev1.ConditionTrue, "")
	set(corev1.PodReadyToStartContainers, corev1.ConditionTrue, "")
	set(corev1.PodInitialized, corev1.ConditionTrue, "")
	set(corev1.ContainersReady, ready, reason)
	set(corev1.PodReady, ready, reason)
}

func ptrTo[T any](v T) *T { return &v }
