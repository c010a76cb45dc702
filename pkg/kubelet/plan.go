package kubelet

import (
	"fmt"
	"time"

	v1 "k8s.io/api/core/v1"
	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"
)

// probeResult is what the prober last concluded about one running container.
type probeResult struct {
	Ready, Started, LivenessFailed bool
}

// backoffView answers whether a restart key is still backing off (flowcontrol.Backoff does).
type backoffView interface {
	IsInBackOffSince(key string, since time.Time) bool
	Get(key string) time.Duration
}

// planInput is everything computePodActions decides from. It is not modified.
type planInput struct {
	Pod     *v1.Pod
	Runtime *podRuntime
	Probes  map[string]probeResult // by container ID
	Backoff backoffView
	Now     time.Time
}

// podActions is the plan for one sync of a running (not deleted, not terminal) pod.
type podActions struct {
	// KillPod stops every container and sandbox of the pod before anything else.
	KillPod bool
	// CreateSandbox creates a sandbox with Attempt after KillPod.
	CreateSandbox bool
	Attempt       uint32
	// StartInit is the index of the init container to start, or -1.
	StartInit int
	// Start lists indexes of spec.containers to start.
	Start []int
	// Kill lists containers to stop (liveness failure, spec change, unknown container).
	Kill []killAction
	// Waiting holds containers held back by CrashLoopBackOff, by name.
	Waiting map[string]waiting
	// RetryAfter, when positive, is when the earliest back-off ends.
	RetryAfter time.Duration
}

// killAction stops one container; Reason and Message go to the Killing event.
type killAction struct {
	ID, Name        string
	Reason, Message string
}

// waiting is a container's waiting reason and message.
type waiting struct{ Reason, Message string }

// computePodActions decides what one sync does, as upstream's computePodActions: recreate a
// dead sandbox (starting over from the first init container), run init containers one at a
// time to completion, then start app containers per restartPolicy with CrashLoopBackOff, and
// kill containers that failed liveness or whose spec changed.
func computePodActions(in planInput) podActions {
	a := podActions{StartInit: -1, Waiting: map[string]waiting{}}
	if create, attempt := sandboxChanged(in.Runtime); create {
		planNewSandbox(in, &a, attempt)
		return a
	}
	sb := in.Runtime.sandbox()
	done, next, failed := initProgress(in.Pod, in.Runtime, sb.ID)
	if failed {
		a.KillPod = true
		return a
	}
	if !done {
		if next >= 0 && !in.backingOff(&a, &in.Pod.Spec.InitContainers[next]) {
			a.StartInit = next
		}
		return a
	}
	for i := range in.Pod.Spec.Containers {
		planContainer(in, &a, i, sb.ID)
	}
	a.Kill = append(a.Kill, unknownContainers(in.Pod, in.Runtime, sb.ID)...)
	return a
}

// sandboxChanged reports whether a new sandbox is needed and its attempt number.
func sandboxChanged(rt *podRuntime) (bool, uint32) {
	sb := rt.sandbox()
	if sb == nil {
		return true, 0
	}
	ready := 0
	for _, s := range rt.Sandboxes {
		if s.Ready {
			ready++
		}
	}
	if !sb.Ready || ready > 1 {
		return true, sb.Attempt + 1
	}
	return false, sb.Attempt
}

func planNewSandbox(in planInput, a *podActions, attempt uint32) {
	a.KillPod = true
	if in.Pod.Spec.RestartPolicy == v1.RestartPolicyNever && attempt > 0 && len(in.Runtime.Containers) > 0 {
		return // a pod that must not restart lost its sandbox: it stays as it is
	}
	a.CreateSandbox, a.Attempt = true, attempt
	if len(in.Pod.Spec.InitContainers) > 0 {
		a.StartInit = 0
		return
	}
	for i, c := range in.Pod.Spec.Containers {
		st := in.Runtime.latest(c.Name)
		if st == nil || in.Pod.Spec.RestartPolicy == v1.RestartPolicyAlways || st.Exited() && st.ExitCode != 0 {
			a.Start = append(a.Start, i)
		}
	}
}

// initProgress walks init containers in the current sandbox: done when all completed (or, for
// sidecars, run); otherwise next is the one to (re)start, or -1 while one runs. failed is set
// when one failed and restartPolicy is Never.
func initProgress(pod *v1.Pod, rt *podRuntime, sandboxID string) (done bool, next int, failed bool) {
	for i := range pod.Spec.InitContainers {
		c := &pod.Spec.InitContainers[i]
		st := latestIn(rt, c.Name, sandboxID)
		switch {
		case st == nil || st.State == runtimeapi.ContainerState_CONTAINER_CREATED:
			return false, i, false
		case st.Running() && isSidecar(c):
			continue
		case st.Running():
			return false, -1, false
		case st.ExitCode == 0 && !isSidecar(c):
			continue
		case pod.Spec.RestartPolicy == v1.RestartPolicyNever:
			return false, -1, true
		default:
			return false, i, false
		}
	}
	return true, -1, false
}

func isSidecar(c *v1.Container) bool {
	return c.RestartPolicy != nil && *c.RestartPolicy == v1.ContainerRestartPolicyAlways
}

// latestIn is the newest container named name in the sandbox, or nil.
func latestIn(rt *podRuntime, name, sandboxID string) *containerState {
	for _, c := range rt.instances(name) {
		if c.SandboxID == sandboxID {
			return c
		}
	}
	return nil
}

// planContainer decides about app container i.
func planContainer(in planInput, a *podActions, i int, sandboxID string) {
	c := &in.Pod.Spec.Containers[i]
	st := in.Runtime.latest(c.Name)
	if st != nil && st.Running() && st.SandboxID == sandboxID {
		switch {
		case st.Hash != "" && st.Hash != containerHash(c):
			a.Kill = append(a.Kill, killAction{st.ID, c.Name, "Killing", fmt.Sprintf("Container %s definition changed, will be restarted", c.Name)})
		case in.Probes[st.ID].LivenessFailed:
			a.Kill = append(a.Kill, killAction{st.ID, c.Name, "Killing", fmt.Sprintf("Container %s failed liveness probe, will be restarted", c.Name)})
		}
		return
	}
	if st != nil && st.State == runtimeapi.ContainerState_CONTAINER_CREATED {
		a.Kill = append(a.Kill, killAction{ID: st.ID, Name: c.Name})
	}
	if !shouldStart(in.Pod.Spec.RestartPolicy, st) || in.backingOff(a, c) {
		return
	}
	a.Start = append(a.Start, i)
}

// shouldStart reports whether a container whose newest instance is st (nil: none) starts.
func shouldStart(policy v1.RestartPolicy, st *containerState) bool {
	switch {
	case st == nil || !st.Exited():
		return true
	case policy == v1.RestartPolicyNever:
		return false
	case policy == v1.RestartPolicyOnFailure:
		return st.ExitCode != 0
	}
	return true
}

// backingOff reports whether c's restart waits for CrashLoopBackOff, noting it in a.
func (in planInput) backingOff(a *podActions, c *v1.Container) bool {
	st := in.Runtime.latest(c.Name)
	if st == nil || !st.Exited() || in.Backoff == nil {
		return false
	}
	key := backoffKey(in.Pod, c.Name)
	if !in.Backoff.IsInBackOffSince(key, st.FinishedAt) {
		return false
	}
	d := in.Backoff.Get(key)
	a.Waiting[c.Name] = waiting{"CrashLoopBackOff", fmt.Sprintf("back-off %s restarting failed container=%s pod=%s_%s(%s)", d, c.Name, in.Pod.Name, in.Pod.Namespace, in.Pod.UID)}
	if left := d - in.Now.Sub(st.FinishedAt); left > 0 && (a.RetryAfter == 0 || left < a.RetryAfter) {
		a.RetryAfter = left
	}
	return true
}

// backoffKey names the restart back-off of one container of pod.
func backoffKey(pod *v1.Pod, container string) string {
	return string(pod.UID) + "/" + container
}

// unknownContainers lists running containers of the sandbox that the spec does not name.
func unknownContainers(pod *v1.Pod, rt *podRuntime, sandboxID string) []killAction {
	known := map[string]bool{}
	for _, c := range pod.Spec.InitContainers {
		known[c.Name] = isSidecar(&c)
	}
	for _, c := range pod.Spec.Containers {
		known[c.Name] = true
	}
	var out []killAction
	for _, c := range rt.running() {
		if !known[c.Name] || c.SandboxID != sandboxID {
			out = append(out, killAction{c.ID, c.Name, "Killing", fmt.Sprintf("Stopping container %s", c.Name)})
		}
	}
	return out
}
