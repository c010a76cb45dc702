package kubelet

import (
	"context"
	"errors"
	"fmt"
	"syscall"
	"time"

	v1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"
)

// terminatePod handles a pod with a deletionTimestamp: it stops its containers within the
// grace period, reports their final status, removes its CRI objects, volumes and cgroups, and
// completes the deletion (grace period 0, UID precondition).
func (k *Kubelet) terminatePod(ctx context.Context, pod *v1.Pod, rt *podRuntime) (bool, time.Duration, error) {
	if k.cfg.TerminationGate != nil && len(rt.running()) > 0 {
		// Zero-drop rollouts (issue 6): hold preStop/SIGTERM until no proxy sends the pod new
		// connections (bounded by the grace period; the gate logs a timeout, so it is ignored).
		_ = k.cfg.TerminationGate(ctx, pod)
	}
	if err := k.stopPod(ctx, pod, rt, gracePeriod(pod)); err != nil {
		return false, 0, err
	}
	k.probes.Remove(pod.UID)
	fresh, err := k.observe.pod(ctx, pod.UID)
	if err != nil {
		return false, 0, err
	}
	if len(fresh.running()) > 0 {
		return false, time.Second, nil
	}
	st := computeStatus(statusInput{Pod: pod, Runtime: fresh, HostIP: k.cfg.NodeIP, RuntimeName: k.runtimeScheme(), Now: k.cfg.Clock.Now()})
	if err := k.statuses.write(ctx, pod, st); err != nil {
		k.log.Warn("final status", "pod", pod.Name, "namespace", pod.Namespace, "err", err)
	}
	if err := k.removePodObjects(ctx, pod.UID, fresh); err != nil {
		return false, 0, err
	}
	err = k.cfg.Client.CoreV1().Pods(pod.Namespace).Delete(ctx, pod.Name, metav1.DeleteOptions{
		GracePeriodSeconds: ptrTo(int64(0)), Preconditions: metav1.NewUIDPreconditions(string(pod.UID)),
	})
	if err != nil && !apierrors.IsNotFound(err) && !apierrors.IsConflict(err) {
		return false, 0, fmt.Errorf("complete deletion of %s/%s: %w", pod.Namespace, pod.Name, err)
	}
	return false, 0, nil // the informer's delete event ends the worker
}

// removeOrphan removes everything a pod the API no longer has left on the node.
func (k *Kubelet) removeOrphan(ctx context.Context, uid types.UID, rt *podRuntime) (bool, time.Duration, error) {
	k.probes.Remove(uid)
	for _, c := range rt.running() {
		k.killContainer(ctx, nil, c, min(c.GracePeriod, 2), "")
	}
	if !rt.empty() {
		k.log.Info("removing pod unknown to the API", "uid", uid, "pod", rt.Name, "namespace", rt.Namespace)
	}
	if err := k.stopPod(ctx, nil, rt, 0); err != nil {
		return false, 0, err
	}
	if err := k.removePodObjects(ctx, uid, rt); err != nil {
		if rt.empty() && errors.Is(err, syscall.EBUSY) {
			// Processes in a pod cgroup while our runtime has nothing of the pod: it belongs
			// to another node sharing this host's cgroup tree. Leave it (housekeeping looks
			// again in a minute) rather than retrying every few seconds.
			k.log.Debug("leaving a busy pod cgroup the runtime does not know", "uid", uid)
			return true, 0, nil
		}
		return false, 0, err
	}
	k.statuses.forget(uid)
	k.crashBackoff.GC()
	k.pullBackoff.GC()
	return true, 0, nil
}

// removePodObjects removes the pod's (stopped) containers and sandboxes, volumes and cgroups.
func (k *Kubelet) removePodObjects(ctx context.Context, uid types.UID, rt *podRuntime) error {
	for _, c := range rt.Containers {
		if _, err := k.rt.RemoveContainer(ctx, &runtimeapi.RemoveContainerRequest{ContainerId: c.ID}); err != nil && !isNotFound(err) {
			return fmt.Errorf("remove container %s: %w", c.ID, err)
		}
	}
	for _, sb := range rt.Sandboxes {
		if _, err := k.rt.RemovePodSandbox(ctx, &runtimeapi.RemovePodSandboxRequest{PodSandboxId: sb.ID}); err != nil && !isNotFound(err) {
			return fmt.Errorf("remove sandbox %s: %w", sb.ID, err)
		}
	}
	if err := k.volumes.Teardown(uid); err != nil {
		return fmt.Errorf("tear down volumes: %w", err)
	}
	if err := k.cgroups.RemovePod(uid); err != nil {
		return fmt.Errorf("remove cgroups: %w", err)
	}
	return nil
}

// collectGarbage keeps, per container name, the newest two instances (for lastState and logs
// --previous) and removes older exited ones, and removes dead sandboxes without containers.
func (k *Kubelet) collectGarbage(ctx context.Context, pod *v1.Pod, rt *podRuntime) {
	seen := map[string]int{}
	used := map[string]bool{}
	for _, c := range rt.Containers {
		seen[c.Name]++
		if seen[c.Name] > 2 && c.Exited() {
			if _, err := k.rt.RemoveContainer(ctx, &runtimeapi.RemoveContainerRequest{ContainerId: c.ID}); err != nil {
				k.log.Warn("remove old container", "pod", pod.Name, "namespace", pod.Namespace, "id", c.ID, "err", err)
			}
			continue
		}
		used[c.SandboxID] = true
	}
	for i, sb := range rt.Sandboxes {
		if i > 0 && !sb.Ready && !used[sb.ID] {
			if _, err := k.rt.RemovePodSandbox(ctx, &runtimeapi.RemovePodSandboxRequest{PodSandboxId: sb.ID}); err != nil {
				k.log.Warn("remove old sandbox", "pod", pod.Name, "namespace", pod.Namespace, "id", sb.ID, "err", err)
			}
		}
	}
}
