package kubelet

import (
	"context"
	"fmt"
	"time"

	v1 "k8s.io/api/core/v1"
	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"
)

// apply carries out a plan: a BackOff event per container held back by CrashLoopBackOff (as
// upstream, on every sync in back-off; the recorder aggregates them), kill, (re)create the
// sandbox, start the next init container or the app containers. It returns the waiting
// reasons of containers that could not start (by name) and when to retry.
func (k *Kubelet) apply(ctx context.Context, pod *v1.Pod, rt *podRuntime, a podActions) (map[string]waiting, time.Duration, error) {
	wait := map[string]waiting{}
	for name, w := range a.Waiting {
		if w.Reason == "CrashLoopBackOff" {
			k.recorder.Eventf(pod, v1.EventTypeWarning, "BackOff", "Back-off restarting failed container %s in pod %s", name, pod.Name)
		}
	}
	if a.KillPod {
		if err := k.stopPod(ctx, pod, rt, gracePeriod(pod)); err != nil {
			return wait, 0, err
		}
	}
	for _, kill := range a.Kill {
		c := rt.byID(kill.ID)
		if c != nil {
			k.killContainer(ctx, pod, c, killGrace(pod, specOf(pod, c.Name), kill), kill.Message)
		}
	}
	if !a.CreateSandbox && a.StartInit < 0 && len(a.Start) == 0 {
		return wait, 0, nil
	}
	sb, err := k.sandboxFor(ctx, pod, rt, a)
	if err != nil {
		return wait, 0, err
	}
	var retry time.Duration
	start := func(c *v1.Container) {
		if w, d := k.startContainer(ctx, pod, sb, c, rt); w != nil {
			wait[c.Name] = *w
			if d > 0 && (retry == 0 || d < retry) {
				retry = d
			}
		}
	}
	if a.StartInit >= 0 {
		start(&pod.Spec.InitContainers[a.StartInit])
	}
	for _, i := range a.Start {
		start(&pod.Spec.Containers[i])
	}
	return wait, retry, nil
}

// startedSandbox is the sandbox containers are created in.
type startedSandbox struct {
	ID     string
	Config *runtimeapi.PodSandboxConfig
	IPs    []string
}

// sandboxFor creates the sandbox the plan asks for, or describes the current one.
func (k *Kubelet) sandboxFor(ctx context.Context, pod *v1.Pod, rt *podRuntime, a podActions) (*startedSandbox, error) {
	attempt := a.Attempt
	if !a.CreateSandbox {
		attempt = rt.sandbox().Attempt
	}
	cfg, err := k.sandboxConfig(pod, attempt)
	if err != nil {
		return nil, err
	}
	if !a.CreateSandbox {
		return &startedSandbox{ID: rt.sandbox().ID, Config: cfg, IPs: rt.sandbox().IPs}, nil
	}
	if err := k.ensureSandboxImage(ctx); err != nil {
		k.recorder.Eventf(pod, v1.EventTypeWarning, "FailedCreatePodSandBox", "Failed to create pod sandbox: %v", err)
		return nil, err
	}
	resp, err := k.rt.RunPodSandbox(ctx, &runtimeapi.RunPodSandboxRequest{Config: cfg})
	if err != nil {
		k.recorder.Eventf(pod, v1.EventTypeWarning, "FailedCreatePodSandBox", "Failed to create pod sandbox: %v", err)
		return nil, fmt.Errorf("run sandbox: %w", err)
	}
	st, err := k.rt.PodSandboxStatus(ctx, &runtimeapi.PodSandboxStatusRequest{PodSandboxId: resp.PodSandboxId})
	if err != nil {
		return nil, fmt.Errorf("sandbox status: %w", err)
	}
	return &startedSandbox{ID: resp.PodSandboxId, Config: cfg, IPs: sandboxIPs(st.Status)}, nil
}

// byID is the container with id, or nil.
func (r *podRuntime) byID(id string) *containerState {
	for _, c := range r.Containers {
		if c.ID == id {
			return c
		}
	}
	return nil
}

// specOf is the init or app container of pod named name, or nil.
func specOf(pod *v1.Pod, name string) *v1.Container {
	for _, cs := range [][]v1.Container{pod.Spec.InitContainers, pod.Spec.Containers} {
		for i := range cs {
			if cs[i].Name == name {
				return &cs[i]
			}
		}
	}
	return nil
}

// killGrace is the grace period of a kill: a liveness probe's own terminationGracePeriodSeconds
// when it set one, else the pod's.
func killGrace(pod *v1.Pod, c *v1.Container, kill killAction) int64 {
	if c != nil && c.LivenessProbe != nil && c.LivenessProbe.TerminationGracePeriodSeconds != nil && kill.Reason == "Killing" {
		return *c.LivenessProbe.TerminationGracePeriodSeconds
	}
	return gracePeriod(pod)
}
