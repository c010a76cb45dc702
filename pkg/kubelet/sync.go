package kubelet

import (
	"context"
	"fmt"
	"time"

	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"

	"skiff/pkg/kubelet/envvars"
)

// syncPod brings the pod with uid to its desired state. It is the podWorkers' syncFunc: a pod
// the API no longer has is removed from the node; a deleted pod is terminated and its
// deletion completed; a terminal pod keeps its final state; any other pod is run.
func (k *Kubelet) syncPod(ctx context.Context, uid types.UID) (bool, time.Duration, error) {
	rt, err := k.observe.pod(ctx, uid)
	if err != nil {
		return false, 0, err
	}
	pod := k.podByUID(uid)
	switch {
	case pod == nil:
		return k.removeOrphan(ctx, uid, rt)
	case pod.DeletionTimestamp != nil:
		return k.terminatePod(ctx, pod, rt)
	case isTerminal(pod.Status.Phase):
		return false, 0, k.stopPod(ctx, pod, rt, gracePeriod(pod))
	}
	retry, err := k.runPod(ctx, pod, rt)
	return false, retry, err
}

func isTerminal(p v1.PodPhase) bool { return p == v1.PodSucceeded || p == v1.PodFailed }

// runPod plans and applies one sync of a live pod, then reports its status.
func (k *Kubelet) runPod(ctx context.Context, pod *v1.Pod, rt *podRuntime) (time.Duration, error) {
	if err := k.cgroups.EnsurePod(pod); err != nil {
		return 0, fmt.Errorf("pod cgroup: %w", err)
	}
	facts := k.facts(pod, rt)
	if err := k.volumes.Setup(pod, facts); err != nil {
		k.recorder.Eventf(pod, v1.EventTypeWarning, "FailedMount", "Unable to attach or mount volumes: %v", err)
		return 2 * time.Second, k.report(ctx, pod, rt, nil)
	}
	probes := k.probeResults(pod, rt)
	a := computePodActions(planInput{Pod: pod, Runtime: rt, Probes: probes, Backoff: k.crashBackoff, Now: k.cfg.Clock.Now()})
	wait, retry, applyErr := k.apply(ctx, pod, rt, a)
	if a.KillPod || a.CreateSandbox || a.StartInit >= 0 || len(a.Start) > 0 || len(a.Kill) > 0 {
		fresh, err := k.observe.pod(ctx, pod.UID)
		if err != nil {
			return 0, err
		}
		rt = fresh
	}
	for name, w := range a.Waiting {
		wait[name] = w
	}
	if err := k.report(ctx, pod, rt, wait); err != nil {
		return 0, err
	}
	k.collectGarbage(ctx, pod, rt)
	if a.RetryAfter > 0 && (retry == 0 || a.RetryAfter < retry) {
		retry = a.RetryAfter
	}
	return retry, applyErr
}

// report feeds the prober the pod's containers, then computes and writes the pod's status
// (probe results read after the update, so a new pod is not first reported unready), and stops
// the sandbox of a pod that just reached a terminal phase.
func (k *Kubelet) report(ctx context.Context, pod *v1.Pod, rt *podRuntime, wait map[string]waiting) error {
	in := statusInput{Pod: pod, Runtime: rt, Waiting: wait, HostIP: k.cfg.NodeIP, RuntimeName: k.runtimeScheme(), Now: k.cfg.Clock.Now()}
	st := computeStatus(in)
	statuses := append(append([]v1.ContainerStatus(nil), st.InitContainerStatuses...), st.ContainerStatuses...)
	k.probes.Update(pod, st.PodIP, statuses)
	in.Probes = k.probeResults(pod, rt)
	st = computeStatus(in)
	if err := k.statuses.write(ctx, pod, st); err != nil {
		return err
	}
	if isTerminal(st.Phase) {
		return k.stopPod(ctx, pod, rt, gracePeriod(pod))
	}
	return nil
}

// facts are the downward-API facts of pod: host IP, pod IPs from its sandbox, allocatable.
func (k *Kubelet) facts(pod *v1.Pod, rt *podRuntime) envvars.Facts {
	f := envvars.Facts{HostIP: k.cfg.NodeIP, NodeAllocatable: k.nodeAllocatable()}
	switch sb := rt.sandbox(); {
	case pod.Spec.HostNetwork:
		f.PodIPs = []string{k.cfg.NodeIP}
	case sb != nil && sb.Ready:
		f.PodIPs = sb.IPs
	}
	return f
}

// probeResults reads the prober's view of every running container of pod.
func (k *Kubelet) probeResults(pod *v1.Pod, rt *podRuntime) map[string]probeResult {
	out := map[string]probeResult{}
	for _, c := range rt.Containers {
		if c.Running() {
			out[c.ID] = k.probes.State(pod.UID, c.Name, c.ID)
		}
	}
	return out
}

func (k *Kubelet) runtimeScheme() string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.runtimeName
}

func (k *Kubelet) nodeAllocatable() v1.ResourceList {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.allocatable
}
