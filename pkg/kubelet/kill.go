package kubelet

import (
	"context"
	"fmt"
	"sync"
	"time"

	v1 "k8s.io/api/core/v1"
	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"
)

// minGraceAfterPreStop is the least time a container gets to stop after its preStop hook ran,
// as upstream.
const minGraceAfterPreStop = 2

// stopPod stops every running container of the pod (in parallel, each with its preStop hook,
// within grace seconds) and then its ready sandboxes. pod may be nil (a pod the API lost).
func (k *Kubelet) stopPod(ctx context.Context, pod *v1.Pod, rt *podRuntime, grace int64) error {
	var wg sync.WaitGroup
	for _, c := range rt.running() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			k.killContainer(ctx, pod, c, grace, "")
		}()
	}
	wg.Wait()
	for _, sb := range rt.Sandboxes {
		if !sb.Ready {
			continue
		}
		if _, err := k.rt.StopPodSandbox(ctx, &runtimeapi.StopPodSandboxRequest{PodSandboxId: sb.ID}); err != nil {
			return fmt.Errorf("stop sandbox %s: %w", sb.ID, err)
		}
	}
	return nil
}

// killContainer runs c's preStop hook (when pod has a spec for it and it runs), then stops it
// with what is left of grace seconds. message, when set, is the Killing event's text (default
// "Stopping container <name>").
func (k *Kubelet) killContainer(ctx context.Context, pod *v1.Pod, c *containerState, grace int64, message string) {
	if grace < 0 {
		grace = 0
	}
	if pod != nil {
		if message == "" {
			message = fmt.Sprintf("Stopping container %s", c.Name)
		}
		k.recorder.Event(pod, v1.EventTypeNormal, "Killing", message)
		if spec := specOf(pod, c.Name); spec != nil && c.Running() && spec.Lifecycle != nil && spec.Lifecycle.PreStop != nil && grace > 0 {
			grace = k.preStop(ctx, pod, spec, c.ID, grace)
		}
	}
	_, err := k.rt.StopContainer(ctx, &runtimeapi.StopContainerRequest{ContainerId: c.ID, Timeout: grace})
	if err != nil && !isNotFound(err) {
		k.log.Warn("stop container failed", "container", c.Name, "id", c.ID, "err", err)
	}
}

// preStop runs the hook within grace seconds and returns the grace left (at least 2 s).
func (k *Kubelet) preStop(ctx context.Context, pod *v1.Pod, c *v1.Container, id string, grace int64) int64 {
	start := k.cfg.Clock.Now()
	hctx, cancel := context.WithTimeout(ctx, time.Duration(grace)*time.Second)
	defer cancel()
	podIP := k.cfg.NodeIP
	if len(pod.Status.PodIPs) > 0 && !pod.Spec.HostNetwork {
		podIP = pod.Status.PodIPs[0].IP
	}
	if err := k.runHook(hctx, pod, c, id, c.Lifecycle.PreStop, podIP, grace); err != nil {
		k.recorder.Eventf(pod, v1.EventTypeWarning, "FailedPreStopHook", "PreStopHook failed: %v", err)
	}
	left := grace - int64(k.cfg.Clock.Since(start).Seconds())
	return max(left, minGraceAfterPreStop)
}
