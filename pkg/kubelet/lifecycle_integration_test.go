package kubelet_test

import (
	"context"
	"slices"
	"sync/atomic"
	"testing"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"

	"skiff/pkg/kubelet"
)

func TestLivenessFailureRestarts(t *testing.T) {
	e := newEnv(t)
	var failing atomic.Bool
	e.cri.SetExecHandler(func(_ string, cmd []string) (string, string, int32) {
		if slices.Equal(cmd, []string{"check"}) && failing.Load() {
			return "", "unhealthy", 1
		}
		return "", "", 0
	})
	e.start()
	pod := simplePod("live", v1.RestartPolicyAlways, "app")
	pod.Spec.Containers[0].LivenessProbe = &v1.Probe{
		ProbeHandler:  v1.ProbeHandler{Exec: &v1.ExecAction{Command: []string{"check"}}},
		PeriodSeconds: 1, FailureThreshold: 1, TimeoutSeconds: 1, SuccessThreshold: 1,
	}
	e.createPod(pod)
	e.waitPod("live", "running", func(p *v1.Pod) bool { return running(p, "app", 0) && p.Status.Phase == v1.PodRunning })
	failing.Store(true)
	e.waitPod("live", "restarted", func(p *v1.Pod) bool { return status(p, "app").RestartCount >= 1 })
	failing.Store(false)
	p := e.waitPod("live", "running again", func(p *v1.Pod) bool { return running(p, "app", -1) && condition(p, v1.PodReady) == v1.ConditionTrue })
	if last := status(p, "app").LastTerminationState.Terminated; last == nil {
		t.Errorf("lastState = %+v", status(p, "app").LastTerminationState)
	}
	eventually(t, "Killing event", func(ctx context.Context) (bool, error) {
		evs, err := e.client.CoreV1().Events("default").List(ctx, metav1.ListOptions{})
		if err != nil {
			return false, err
		}
		for _, ev := range evs.Items {
			if ev.Reason == "Killing" && ev.Message == "Container app failed liveness probe, will be restarted" {
				return true, nil
			}
		}
		return false, nil
	})
}

func TestReadinessGatesReady(t *testing.T) {
	e := newEnv(t)
	var ready atomic.Bool
	e.cri.SetExecHandler(func(_ string, cmd []string) (string, string, int32) {
		if ready.Load() {
			return "", "", 0
		}
		return "", "", 1
	})
	e.start()
	pod := simplePod("ready", v1.RestartPolicyAlways, "app")
	pod.Spec.Containers[0].ReadinessProbe = &v1.Probe{
		ProbeHandler:  v1.ProbeHandler{Exec: &v1.ExecAction{Command: []string{"ready"}}},
		PeriodSeconds: 1, FailureThreshold: 1, TimeoutSeconds: 1, SuccessThreshold: 1,
	}
	e.createPod(pod)
	p := e.waitPod("ready", "running", func(p *v1.Pod) bool { return running(p, "app", 0) && p.Status.Phase == v1.PodRunning })
	if condition(p, v1.PodReady) == v1.ConditionTrue {
		t.Fatal("ready before the readiness probe succeeded")
	}
	ready.Store(true)
	e.waitPod("ready", "ready", func(p *v1.Pod) bool { return condition(p, v1.PodReady) == v1.ConditionTrue })
	ready.Store(false)
	e.waitPod("ready", "unready", func(p *v1.Pod) bool { return condition(p, v1.PodReady) == v1.ConditionFalse })
}

func TestHooksRun(t *testing.T) {
	e := newEnv(t)
	var calls atomic.Value
	calls.Store([]string{})
	e.cri.SetExecHandler(func(_ string, cmd []string) (string, string, int32) {
		calls.Store(append(calls.Load().([]string), cmd[0]))
		return "", "", 0
	})
	e.start()
	pod := simplePod("hooks", v1.RestartPolicyAlways, "app")
	pod.Spec.Containers[0].Lifecycle = &v1.Lifecycle{
		PostStart: &v1.LifecycleHandler{Exec: &v1.ExecAction{Command: []string{"post"}}},
		PreStop:   &v1.LifecycleHandler{Exec: &v1.ExecAction{Command: []string{"pre"}}},
	}
	e.createPod(pod)
	e.waitPod("hooks", "running", func(p *v1.Pod) bool { return running(p, "app", 0) })
	if got := calls.Load().([]string); !slices.Equal(got, []string{"post"}) {
		t.Errorf("exec calls after start = %v", got)
	}
	if err := e.client.CoreV1().Pods("default").Delete(context.Background(), "hooks", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "preStop ran", func(context.Context) (bool, error) {
		return slices.Equal(calls.Load().([]string), []string{"post", "pre"}), nil
	})
}

func TestPostStartFailureKills(t *testing.T) {
	e := newEnv(t)
	e.cri.SetExecHandler(func(string, []string) (string, string, int32) { return "", "boom", 1 })
	e.start()
	pod := simplePod("poststart", v1.RestartPolicyNever, "app")
	pod.Spec.Containers[0].Lifecycle = &v1.Lifecycle{PostStart: &v1.LifecycleHandler{Exec: &v1.ExecAction{Command: []string{"post"}}}}
	e.createPod(pod)
	e.waitPod("poststart", "failed", func(p *v1.Pod) bool { return p.Status.Phase == v1.PodFailed })
}

func TestOrphanSandboxRemoved(t *testing.T) {
	e := newEnv(t)
	cfg := &runtimeapi.PodSandboxConfig{
		Metadata: &runtimeapi.PodSandboxMetadata{Name: "ghost", Namespace: "default", Uid: "ghost-uid"},
		Labels:   map[string]string{kubelet.LabelPodUID: "ghost-uid", kubelet.LabelPodName: "ghost", kubelet.LabelPodNamespace: "default"},
	}
	if _, err := e.cri.RunPodSandbox(context.Background(), &runtimeapi.RunPodSandboxRequest{Config: cfg}); err != nil {
		t.Fatal(err)
	}
	e.start()
	eventually(t, "orphan removed", func(context.Context) (bool, error) { return len(e.cri.SandboxIDs()) == 0, nil })
}
