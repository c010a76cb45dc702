package kubelet

import (
	"fmt"
	"sort"
	"strings"
	"time"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"skiff/pkg/podcond"
	"skiff/pkg/qos"
)

// statusInput is everything computeStatus derives a pod status from. It is not modified.
type statusInput struct {
	Pod         *v1.Pod
	Runtime     *podRuntime
	Probes      map[string]probeResult // by container ID
	Waiting     map[string]waiting     // by container name: back-off and start errors
	HostIP      string
	RuntimeName string // container ID scheme, e.g. "containerd"
	Now         time.Time
}

// computeStatus is the pod status the kubelet reports, as upstream's generateAPIPodStatus:
// container statuses from CRI, readiness from probes, phase and conditions. Timestamps of
// conditions that did not change and startTime are kept from the pod's current status.
func computeStatus(in statusInput) v1.PodStatus {
	pod := in.Pod
	old := pod.Status
	st := v1.PodStatus{
		HostIP: in.HostIP, HostIPs: []v1.HostIP{{IP: in.HostIP}}, QOSClass: qos.Class(pod),
		StartTime: old.StartTime, NominatedNodeName: old.NominatedNodeName,
		PodIP: old.PodIP, PodIPs: old.PodIPs, Conditions: append([]v1.PodCondition(nil), old.Conditions...),
	}
	if st.StartTime == nil {
		t := metav1.NewTime(in.Now.Truncate(time.Second))
		st.StartTime = &t
	}
	setPodIPs(&st, in)
	initDone := true
	for i := range pod.Spec.InitContainers {
		cs := in.containerStatus(&pod.Spec.InitContainers[i], "PodInitializing")
		st.InitContainerStatuses = append(st.InitContainerStatuses, cs)
		if !initCompleted(&pod.Spec.InitContainers[i], cs) {
			initDone = false
		}
	}
	wait := "ContainerCreating"
	if !initDone {
		wait = "PodInitializing"
	}
	for i := range pod.Spec.Containers {
		st.ContainerStatuses = append(st.ContainerStatuses, in.containerStatus(&pod.Spec.Containers[i], wait))
	}
	st.Phase = podPhase(pod, &st, initDone)
	if old.Phase == v1.PodSucceeded || old.Phase == v1.PodFailed {
		st.Phase = old.Phase // terminal phases are final
	}
	setConditions(&st, in, initDone)
	return st
}

func setPodIPs(st *v1.PodStatus, in statusInput) {
	if in.Pod.Spec.HostNetwork {
		st.PodIP, st.PodIPs = in.HostIP, []v1.PodIP{{IP: in.HostIP}}
		return
	}
	sb := in.Runtime.sandbox()
	if sb == nil || !sb.Ready || len(sb.IPs) == 0 {
		return
	}
	st.PodIP, st.PodIPs = sb.IPs[0], nil
	for _, ip := range sb.IPs {
		st.PodIPs = append(st.PodIPs, v1.PodIP{IP: ip})
	}
}

func initCompleted(c *v1.Container, cs v1.ContainerStatus) bool {
	if isSidecar(c) {
		return cs.Started != nil && *cs.Started
	}
	return cs.State.Terminated != nil && cs.State.Terminated.ExitCode == 0
}

// containerStatus reports container c; wait is the waiting reason before it first runs. A
// container held back (CrashLoopBackOff, ErrImagePull, ...) is Waiting with its last exit in
// lastState.
func (in statusInput) containerStatus(c *v1.Container, wait string) v1.ContainerStatus {
	cs := v1.ContainerStatus{Name: c.Name, Image: c.Image, Started: ptrTo(false)}
	cur, prev := in.Runtime.latest(c.Name), in.Runtime.previous(c.Name)
	w, held := in.Waiting[c.Name]
	switch {
	case cur != nil && cur.Running():
		cs.State.Running = &v1.ContainerStateRunning{StartedAt: metav1.NewTime(cur.StartedAt)}
		cs.Started, cs.Ready = ptrTo(in.started(c, cur)), in.ready(c, cur)
	case held:
		cs.State.Waiting = &v1.ContainerStateWaiting{Reason: w.Reason, Message: w.Message}
	case cur == nil:
		cs.State.Waiting = &v1.ContainerStateWaiting{Reason: wait}
	case cur.Exited():
		cs.State.Terminated = terminated(cur, in.RuntimeName)
	default:
		cs.State.Waiting = &v1.ContainerStateWaiting{Reason: "ContainerCreating"}
	}
	if cur == nil {
		return cs
	}
	cs.ContainerID, cs.ImageID, cs.RestartCount = in.RuntimeName+"://"+cur.ID, cur.ImageRef, int32(cur.RestartCount)
	if cur.Exited() && cs.State.Waiting != nil {
		prev = cur
	}
	if prev != nil && prev.Exited() && cs.State.Terminated == nil {
		cs.LastTerminationState.Terminated = terminated(prev, in.RuntimeName)
	}
	return cs
}

func (in statusInput) started(c *v1.Container, cur *containerState) bool {
	if c.StartupProbe == nil {
		return true
	}
	return in.Probes[cur.ID].Started
}

func (in statusInput) ready(c *v1.Container, cur *containerState) bool {
	if c.ReadinessProbe == nil && c.StartupProbe == nil {
		return true
	}
	p := in.Probes[cur.ID]
	return p.Started && p.Ready
}

// terminated reports an exited container; the reason is CRI's (Completed, Error, OOMKilled).
func terminated(c *containerState, runtime string) *v1.ContainerStateTerminated {
	reason := c.Reason
	if reason == "" {
		reason = "Error"
		if c.ExitCode == 0 {
			reason = "Completed"
		}
	}
	return &v1.ContainerStateTerminated{
		ExitCode: c.ExitCode, Reason: reason, Message: c.Message, StartedAt: metav1.NewTime(c.StartedAt),
		FinishedAt: metav1.NewTime(c.FinishedAt), ContainerID: runtime + "://" + c.ID,
	}
}

// podPhase is upstream's getPhase.
func podPhase(pod *v1.Pod, st *v1.PodStatus, initDone bool) v1.PodPhase {
	for i, cs := range st.InitContainerStatuses {
		t := cs.State.Terminated
		if t != nil && t.ExitCode != 0 && pod.Spec.RestartPolicy == v1.RestartPolicyNever && !isSidecar(&pod.Spec.InitContainers[i]) {
			return v1.PodFailed
		}
	}
	if !initDone {
		return v1.PodPending
	}
	var running, waiting, stopped, succeeded int
	for _, cs := range st.ContainerStatuses {
		switch {
		case cs.State.Running != nil:
			running++
		case cs.State.Terminated != nil:
			stopped++
			if cs.State.Terminated.ExitCode == 0 {
				succeeded++
			}
		case cs.LastTerminationState.Terminated != nil:
			stopped++
		default:
			waiting++
		}
	}
	switch {
	case waiting > 0:
		return v1.PodPending
	case running > 0:
		return v1.PodRunning
	case stopped == 0:
		return v1.PodPending
	case pod.Spec.RestartPolicy == v1.RestartPolicyAlways:
		return v1.PodRunning
	case stopped == succeeded && allTerminated(st):
		return v1.PodSucceeded
	case pod.Spec.RestartPolicy == v1.RestartPolicyOnFailure:
		return v1.PodRunning
	}
	return v1.PodFailed
}

func allTerminated(st *v1.PodStatus) bool {
	for _, cs := range st.ContainerStatuses {
		if cs.State.Terminated == nil {
			return false
		}
	}
	return true
}

// setConditions sets PodScheduled, PodReadyToStartContainers, Initialized, ContainersReady and
// Ready, keeping the transition time of conditions whose status holds.
func setConditions(st *v1.PodStatus, in statusInput, initDone bool) {
	ts := metav1.NewTime(in.Now.Truncate(time.Second))
	set := func(t v1.PodConditionType, ok bool, reason, message string) {
		c := v1.PodCondition{Type: t, Status: v1.ConditionFalse, Reason: reason, Message: message, LastTransitionTime: ts}
		if ok {
			c.Status, c.Reason, c.Message = v1.ConditionTrue, "", ""
		}
		podcond.Set(st, c)
	}
	sb := in.Runtime.sandbox()
	set(v1.PodScheduled, true, "", "")
	set(v1.PodReadyToStartContainers, sb != nil && sb.Ready, "", "")
	set(v1.PodInitialized, initDone, "ContainersNotInitialized", listMessage("containers with incomplete status", incompleteInit(in.Pod, st)))
	unready := unreadyContainers(st)
	reason := "ContainersNotReady"
	if st.Phase == v1.PodSucceeded || st.Phase == v1.PodFailed {
		reason = "PodCompleted"
		unready = nil
	}
	ready := len(unready) == 0 && st.Phase == v1.PodRunning
	msg := listMessage("containers with unready status", unready)
	set(v1.ContainersReady, ready, reason, msg)
	set(v1.PodReady, ready, reason, msg)
}

func incompleteInit(pod *v1.Pod, st *v1.PodStatus) []string {
	var out []string
	for i, cs := range st.InitContainerStatuses {
		if !initCompleted(&pod.Spec.InitContainers[i], cs) {
			out = append(out, cs.Name)
		}
	}
	return out
}

func unreadyContainers(st *v1.PodStatus) []string {
	var out []string
	for _, cs := range st.ContainerStatuses {
		if !cs.Ready {
			out = append(out, cs.Name)
		}
	}
	return out
}

func listMessage(prefix string, names []string) string {
	if len(names) == 0 {
		return ""
	}
	sort.Strings(names)
	return fmt.Sprintf("%s: [%s]", prefix, strings.Join(names, " "))
}

func ptrTo[T any](v T) *T { return &v }
