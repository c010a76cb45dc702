package sim

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

var t0 = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)

func TestRunningStatus(t *testing.T) {
	always := corev1.ContainerRestartPolicyAlways
	scheduled := metav1.NewTime(t0.Add(-time.Minute))
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{UID: "u1"},
		Spec: corev1.PodSpec{
			InitContainers: []corev1.Container{{Name: "setup", Image: "init:1"}, {Name: "sidecar", Image: "side:1", RestartPolicy: &always}},
			Containers:     []corev1.Container{{Name: "app", Image: "app:1"}},
		},
		Status: corev1.PodStatus{Phase: corev1.PodPending, Conditions: []corev1.PodCondition{{Type: corev1.PodScheduled, Status: corev1.ConditionTrue, LastTransitionTime: scheduled}}},
	}
	before := pod.DeepCopy()
	got := runningStatus(pod, "10.64.0.1", "10.128.0.2", t0.Add(300*time.Millisecond))
	ts := metav1.NewTime(t0)
	running := corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: ts}}
	want := corev1.PodStatus{
		Phase: corev1.PodRunning,
		Conditions: []corev1.PodCondition{
			{Type: corev1.PodScheduled, Status: corev1.ConditionTrue, LastTransitionTime: scheduled},
			{Type: corev1.PodReadyToStartContainers, Status: corev1.ConditionTrue, LastTransitionTime: ts},
			{Type: corev1.PodInitialized, Status: corev1.ConditionTrue, LastTransitionTime: ts},
			{Type: corev1.ContainersReady, Status: corev1.ConditionTrue, LastTransitionTime: ts},
			{Type: corev1.PodReady, Status: corev1.ConditionTrue, LastTransitionTime: ts},
		},
		HostIP: "10.64.0.1", HostIPs: []corev1.HostIP{{IP: "10.64.0.1"}},
		PodIP: "10.128.0.2", PodIPs: []corev1.PodIP{{IP: "10.128.0.2"}},
		StartTime: &ts,
		QOSClass:  corev1.PodQOSBestEffort,
		InitContainerStatuses: []corev1.ContainerStatus{
			{Name: "setup", State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{Reason: "Completed", StartedAt: ts, FinishedAt: ts, ContainerID: "sim://u1/setup"}},
				Started: ptrTo(false), Image: "init:1", ImageID: "sim://init:1", ContainerID: "sim://u1/setup"},
			{Name: "sidecar", State: running, Ready: true, Started: ptrTo(true), Image: "side:1", ImageID: "sim://side:1", ContainerID: "sim://u1/sidecar"},
		},
		ContainerStatuses: []corev1.ContainerStatus{
			{Name: "app", State: running, Ready: true, Started: ptrTo(true), Image: "app:1", ImageID: "sim://app:1", ContainerID: "sim://u1/app"},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("runningStatus (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(before, pod); diff != "" {
		t.Errorf("input modified (-before +after):\n%s", diff)
	}
}

func TestFinishedAndRestartedStatus(t *testing.T) {
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{UID: "u1"}, Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "app:1"}}}}
	pod.Status = runningStatus(pod, "10.64.0.1", "10.128.0.2", t0)
	end := t0.Add(5 * time.Second)
	cases := []struct {
		name         string
		build        func() corev1.PodStatus
		wantPhase    corev1.PodPhase
		wantReady    corev1.ConditionStatus
		wantState    func(corev1.ContainerStatus) bool
		wantRestarts int32
	}{
		{"succeeded", func() corev1.PodStatus { return finishedStatus(pod, 0, end) }, corev1.PodSucceeded, corev1.ConditionFalse,
			func(s corev1.ContainerStatus) bool {
				x := s.State.Terminated
				return x != nil && x.ExitCode == 0 && x.Reason == "Completed" && x.StartedAt.Time.Equal(t0) && x.FinishedAt.Time.Equal(end)
			}, 0},
		{"failed", func() corev1.PodStatus { return finishedStatus(pod, 2, end) }, corev1.PodFailed, corev1.ConditionFalse,
			func(s corev1.ContainerStatus) bool {
				x := s.State.Terminated
				return x != nil && x.ExitCode == 2 && x.Reason == "Error"
			}, 0},
		{"restarted", func() corev1.PodStatus { return restartedStatus(pod, 2, end) }, corev1.PodRunning, corev1.ConditionTrue,
			func(s corev1.ContainerStatus) bool {
				return s.Ready && s.State.Running != nil && s.State.Running.StartedAt.Time.Equal(end) &&
					s.LastTerminationState.Terminated != nil && s.LastTerminationState.Terminated.ExitCode == 2
			}, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			st := tc.build()
			if st.Phase != tc.wantPhase {
				t.Errorf("phase %s, want %s", st.Phase, tc.wantPhase)
			}
			if c := podCondition(st, corev1.PodReady); c == nil || c.Status != tc.wantReady {
				t.Errorf("Ready condition %+v, want %s", c, tc.wantReady)
			}
			cs := st.ContainerStatuses[0]
			if !tc.wantState(cs) || cs.RestartCount != tc.wantRestarts {
				t.Errorf("container status %+v", cs)
			}
			if pod.Status.Phase != corev1.PodRunning || pod.Status.ContainerStatuses[0].State.Running == nil {
				t.Error("input modified")
			}
		})
	}
}
