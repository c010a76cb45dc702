package kubelet

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestComputeStatusPhase(t *testing.T) {
	tests := []struct {
		name    string
		pod     *v1.Pod
		rt      *podRuntime
		waiting map[string]waiting
		want    v1.PodPhase
	}{
		{"nothing yet", testPod(v1.RestartPolicyAlways, nil, "a"), &podRuntime{}, nil, v1.PodPending},
		{"running", testPod(v1.RestartPolicyAlways, nil, "a"), sandboxRT(true, ctr("c1", "a", running, 0, 0)), nil, v1.PodRunning},
		{"one of two waiting", testPod(v1.RestartPolicyAlways, nil, "a", "b"), sandboxRT(true, ctr("c1", "a", running, 0, 0)), nil, v1.PodPending},
		{"crash looping, Always", testPod(v1.RestartPolicyAlways, nil, "a"), sandboxRT(true, ctr("c1", "a", exited, 1, 2)),
			map[string]waiting{"a": {Reason: "CrashLoopBackOff"}}, v1.PodRunning},
		{"exited 0, Never", testPod(v1.RestartPolicyNever, nil, "a"), sandboxRT(true, ctr("c1", "a", exited, 0, 0)), nil, v1.PodSucceeded},
		{"exited 1, Never", testPod(v1.RestartPolicyNever, nil, "a"), sandboxRT(true, ctr("c1", "a", exited, 1, 0)), nil, v1.PodFailed},
		{"exited 1, OnFailure", testPod(v1.RestartPolicyOnFailure, nil, "a"), sandboxRT(true, ctr("c1", "a", exited, 1, 0)), nil, v1.PodRunning},
		{"exited 0, OnFailure", testPod(v1.RestartPolicyOnFailure, nil, "a"), sandboxRT(true, ctr("c1", "a", exited, 0, 0)), nil, v1.PodSucceeded},
		{"init running", testPod(v1.RestartPolicyAlways, []string{"i"}, "a"), sandboxRT(true, ctr("c1", "i", running, 0, 0)), nil, v1.PodPending},
		{"init failed, Never", testPod(v1.RestartPolicyNever, []string{"i"}, "a"), sandboxRT(true, ctr("c1", "i", exited, 1, 0)), nil, v1.PodFailed},
		{"image pull error", testPod(v1.RestartPolicyAlways, nil, "a"), sandboxRT(true), map[string]waiting{"a": {Reason: "ErrImagePull"}}, v1.PodPending},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := computeStatus(statusInput{Pod: tt.pod, Runtime: tt.rt, Waiting: tt.waiting, HostIP: "192.0.2.1", RuntimeName: "containerd", Now: t0})
			if st.Phase != tt.want {
				t.Errorf("phase = %s, want %s (%+v)", st.Phase, tt.want, st.ContainerStatuses)
			}
		})
	}
}

func TestComputeStatusContainers(t *testing.T) {
	pod := testPod(v1.RestartPolicyAlways, nil, "a", "b")
	pod.Spec.Containers[1].ReadinessProbe = &v1.Probe{}
	prev := ctr("c0", "a", exited, 137, 0)
	prev.Reason = "OOMKilled"
	cur := ctr("c1", "a", running, 0, 1)
	b := ctr("c2", "b", running, 0, 0)
	rt := sandboxRT(true, prev, cur, b)
	st := computeStatus(statusInput{Pod: pod, Runtime: rt, Probes: map[string]probeResult{"c2": {Started: true}}, HostIP: "192.0.2.1", RuntimeName: "containerd", Now: t0})
	start := metav1.NewTime(t0.Add(-time.Minute))
	want := []v1.ContainerStatus{{
		Name: "a", Image: "img", ImageID: "sha256:x", ContainerID: "containerd://c1", RestartCount: 1, Ready: true, Started: ptrTo(true),
		State: v1.ContainerState{Running: &v1.ContainerStateRunning{StartedAt: start}},
		LastTerminationState: v1.ContainerState{Terminated: &v1.ContainerStateTerminated{
			ExitCode: 137, Reason: "OOMKilled", StartedAt: start, FinishedAt: metav1.NewTime(t0.Add(-time.Second)), ContainerID: "containerd://c0"}},
	}, {
		Name: "b", Image: "img", ImageID: "sha256:x", ContainerID: "containerd://c2", Started: ptrTo(true),
		State: v1.ContainerState{Running: &v1.ContainerStateRunning{StartedAt: start}},
	}}
	if diff := cmp.Diff(want, st.ContainerStatuses); diff != "" {
		t.Errorf("container statuses (-want +got):\n%s", diff)
	}
	if st.PodIP != "10.42.0.5" || st.QOSClass != v1.PodQOSBestEffort || st.StartTime == nil {
		t.Errorf("status = %+v", st)
	}
	conds := map[v1.PodConditionType]v1.PodCondition{}
	for _, c := range st.Conditions {
		conds[c.Type] = c
	}
	if c := conds[v1.PodReady]; c.Status != v1.ConditionFalse || c.Reason != "ContainersNotReady" || c.Message != "containers with unready status: [b]" {
		t.Errorf("Ready = %+v", c)
	}
	if conds[v1.PodInitialized].Status != v1.ConditionTrue || conds[v1.PodReadyToStartContainers].Status != v1.ConditionTrue {
		t.Errorf("conditions = %+v", st.Conditions)
	}
}

func TestComputeStatusKeepsTransitionTimes(t *testing.T) {
	pod := testPod(v1.RestartPolicyAlways, nil, "a")
	rt := sandboxRT(true, ctr("c1", "a", running, 0, 0))
	first := computeStatus(statusInput{Pod: pod, Runtime: rt, HostIP: "192.0.2.1", RuntimeName: "containerd", Now: t0})
	pod.Status = first
	again := computeStatus(statusInput{Pod: pod, Runtime: rt, HostIP: "192.0.2.1", RuntimeName: "containerd", Now: t0.Add(time.Minute)})
	if diff := cmp.Diff(first, again); diff != "" {
		t.Errorf("status changed with time only (-first +again):\n%s", diff)
	}
}

func TestComputeStatusCrashLoop(t *testing.T) {
	pod := testPod(v1.RestartPolicyAlways, nil, "a")
	rt := sandboxRT(true, ctr("c1", "a", exited, 2, 4))
	st := computeStatus(statusInput{Pod: pod, Runtime: rt, Waiting: map[string]waiting{"a": {"CrashLoopBackOff", "back-off"}}, RuntimeName: "containerd", Now: t0})
	cs := st.ContainerStatuses[0]
	if cs.State.Waiting == nil || cs.State.Waiting.Reason != "CrashLoopBackOff" || cs.RestartCount != 4 ||
		cs.LastTerminationState.Terminated == nil || cs.LastTerminationState.Terminated.ExitCode != 2 || cs.LastTerminationState.Terminated.Reason != "Error" {
		t.Errorf("status = %+v", cs)
	}
}
