package printers

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// testPod builds a scheduled pod with one container per status given.
func testPod(phase corev1.PodPhase, statuses ...corev1.ContainerStatus) *corev1.Pod {
	p := &corev1.Pod{
		ObjectMeta: objMeta("web-0", 10*time.Minute),
		Spec:       corev1.PodSpec{NodeName: "node-1"},
		Status:     corev1.PodStatus{Phase: phase, PodIP: "10.42.0.7", PodIPs: []corev1.PodIP{{IP: "10.42.0.7"}}},
	}
	for i, s := range statuses {
		if s.Name == "" {
			s.Name = []string{"app", "log", "proxy"}[i]
		}
		p.Spec.Containers = append(p.Spec.Containers, corev1.Container{Name: s.Name, Image: "busybox:1.36"})
		p.Status.ContainerStatuses = append(p.Status.ContainerStatuses, s)
	}
	return p
}

func running(ready bool) corev1.ContainerStatus {
	return corev1.ContainerStatus{Ready: ready, State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: ago(5 * time.Minute)}}}
}

func waiting(reason string) corev1.ContainerStatus {
	return corev1.ContainerStatus{State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: reason}}}
}

func terminated(reason string, code, signal int32) corev1.ContainerStatus {
	return corev1.ContainerStatus{State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{Reason: reason, ExitCode: code, Signal: signal}}}
}

// restarted adds n restarts, the last one finished d before testNow.
func restarted(s corev1.ContainerStatus, n int32, d time.Duration) corev1.ContainerStatus {
	s.RestartCount = n
	s.LastTerminationState.Terminated = &corev1.ContainerStateTerminated{Reason: "Error", ExitCode: 1, FinishedAt: ago(d)}
	return s
}

// withInit adds init containers and their statuses to p.
func withInit(p *corev1.Pod, statuses ...corev1.ContainerStatus) *corev1.Pod {
	for i, s := range statuses {
		s.Name = []string{"init-db", "init-cfg"}[i]
		p.Spec.InitContainers = append(p.Spec.InitContainers, corev1.Container{Name: s.Name})
		p.Status.InitContainerStatuses = append(p.Status.InitContainerStatuses, s)
	}
	return p
}

func withConditions(p *corev1.Pod, conds ...corev1.PodCondition) *corev1.Pod {
	p.Status.Conditions = append(p.Status.Conditions, conds...)
	return p
}

func deleted(p *corev1.Pod) *corev1.Pod {
	p.DeletionTimestamp = agoPtr(time.Second)
	return p
}

func TestPodStatusCells(t *testing.T) {
	podReady := corev1.PodCondition{Type: corev1.PodReady, Status: corev1.ConditionTrue}
	initialized := corev1.PodCondition{Type: corev1.PodInitialized, Status: corev1.ConditionTrue}
	sidecar := func() *corev1.Pod {
		p := withInit(testPod(corev1.PodRunning, running(true)), corev1.ContainerStatus{Started: ptr(true), Ready: true,
			State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{}}})
		p.Spec.InitContainers[0].RestartPolicy = ptr(corev1.ContainerRestartPolicyAlways)
		p.Status.InitContainerStatuses[0] = restarted(p.Status.InitContainerStatuses[0], 2, 3*time.Minute)
		return p
	}
	evicted := testPod(corev1.PodFailed, corev1.ContainerStatus{})
	evicted.Status.Reason = "Evicted"
	nodeLost := deleted(testPod(corev1.PodRunning, running(true)))
	nodeLost.Status.Reason = "NodeLost"

	tests := []struct {
		name                    string
		pod                     *corev1.Pod
		ready, status, restarts string
	}{
		{"pending without status", testPod(corev1.PodPending, corev1.ContainerStatus{}), "0/1", "Pending", "0"},
		{"container creating", testPod(corev1.PodPending, waiting("ContainerCreating")), "0/1", "ContainerCreating", "0"},
		{"image pull error", testPod(corev1.PodPending, waiting("ErrImagePull")), "0/1", "ErrImagePull", "0"},
		{"running all ready", testPod(corev1.PodRunning, running(true), running(true)), "2/2", "Running", "0"},
		{"running one not ready", testPod(corev1.PodRunning, running(true), running(false)), "1/2", "Running", "0"},
		{"restarts with last restart", testPod(corev1.PodRunning, restarted(running(true), 3, 2*time.Minute)), "1/1", "Running", "3 (2m ago)"},
		{"restarts summed over containers", testPod(corev1.PodRunning, restarted(running(true), 1, time.Hour), restarted(running(true), 2, 30*time.Second)), "2/2", "Running", "3 (30s ago)"},
		{"crash loop", testPod(corev1.PodRunning, restarted(waiting("CrashLoopBackOff"), 5, 40*time.Second)), "0/1", "CrashLoopBackOff", "5 (40s ago)"},
		{"first container wins", testPod(corev1.PodRunning, waiting("CrashLoopBackOff"), waiting("ErrImagePull")), "0/2", "CrashLoopBackOff", "0"},
		{"completed", testPod(corev1.PodSucceeded, terminated("Completed", 0, 0)), "0/1", "Completed", "0"},
		{"error", testPod(corev1.PodFailed, terminated("Error", 1, 0)), "0/1", "Error", "0"},
		{"oom killed", testPod(corev1.PodRunning, terminated("OOMKilled", 137, 0)), "0/1", "OOMKilled", "0"},
		{"killed by signal", testPod(corev1.PodFailed, terminated("", 0, 9)), "0/1", "Signal:9", "0"},
		{"exit code without reason", testPod(corev1.PodFailed, terminated("", 3, 0)), "0/1", "ExitCode:3", "0"},
		{"evicted", evicted, "0/1", "Evicted", "0"},
		{"completed container, another running, pod ready", withConditions(testPod(corev1.PodRunning, running(true), terminated("Completed", 0, 0)), podReady), "1/2", "Running", "0"},
		{"completed container, another running, pod not ready", testPod(corev1.PodRunning, running(true), terminated("Completed", 0, 0)), "1/2", "NotReady", "0"},
		{"init running", withInit(testPod(corev1.PodPending, waiting("PodInitializing")), running(false)), "0/1", "Init:0/1", "0"},
		{"second init waiting to start", withInit(testPod(corev1.PodPending, waiting("PodInitializing")), terminated("Completed", 0, 0), waiting("PodInitializing")), "0/1", "Init:1/2", "0"},
		{"init crash loop", withInit(testPod(corev1.PodPending, waiting("PodInitializing")), restarted(waiting("CrashLoopBackOff"), 4, time.Minute)), "0/1", "Init:CrashLoopBackOff", "4 (60s ago)"},
		{"init error", withInit(testPod(corev1.PodFailed, waiting("PodInitializing")), terminated("Error", 1, 0)), "0/1", "Init:Error", "0"},
		{"init exit code", withInit(testPod(corev1.PodPending, waiting("PodInitializing")), terminated("", 2, 0)), "0/1", "Init:ExitCode:2", "0"},
		{"init signal", withInit(testPod(corev1.PodPending, waiting("PodInitializing")), terminated("", 143, 15)), "0/1", "Init:Signal:15", "0"},
		{"init done", withInit(testPod(corev1.PodRunning, running(true)), terminated("Completed", 0, 0)), "1/1", "Running", "0"},
		{"init failing, pod initialized: app restarts only", withConditions(withInit(testPod(corev1.PodRunning, running(true)), restarted(waiting("CrashLoopBackOff"), 4, time.Minute)), initialized), "1/1", "Init:CrashLoopBackOff", "0"},
		{"sidecar counted", sidecar(), "2/2", "Running", "2 (3m ago)"},
		{"terminating", deleted(testPod(corev1.PodRunning, running(true))), "1/1", "Terminating", "0"},
		{"deleted after success keeps status", deleted(testPod(corev1.PodSucceeded, terminated("Completed", 0, 0))), "0/1", "Completed", "0"},
		{"node lost", nodeLost, "1/1", "Unknown", "0"},
		{"scheduling gated", withConditions(testPod(corev1.PodPending, corev1.ContainerStatus{}), corev1.PodCondition{Type: corev1.PodScheduled, Status: corev1.ConditionFalse, Reason: corev1.PodReasonSchedulingGated}), "0/1", "SchedulingGated", "0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cells := rowCells(t, tc.pod)
			want := []any{"web-0", tc.ready, tc.status, tc.restarts, "10m"}
			if diff := cmp.Diff(want, cells[:5]); diff != "" {
				t.Errorf("cells (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPodWideCells(t *testing.T) {
	gated := testPod(corev1.PodRunning, running(true))
	gated.Status.NominatedNodeName = "node-2"
	gated.Spec.ReadinessGates = []corev1.PodReadinessGate{{ConditionType: "example.com/lb"}, {ConditionType: "example.com/dns"}}
	gated.Status.Conditions = []corev1.PodCondition{
		{Type: "example.com/lb", Status: corev1.ConditionTrue},
		{Type: "example.com/dns", Status: corev1.ConditionFalse},
	}
	dualStack := testPod(corev1.PodRunning, running(true))
	dualStack.Status.PodIPs = []corev1.PodIP{{IP: "fd00::7"}, {IP: "10.42.0.7"}}

	tests := []struct {
		name string
		pod  *corev1.Pod
		want []any
	}{
		{"unscheduled", &corev1.Pod{ObjectMeta: objMeta("p", 5*time.Second), Status: corev1.PodStatus{Phase: corev1.PodPending}},
			[]any{"p", "0/0", "Pending", "0", "5s", "<none>", "<none>", "<none>", "<none>"}},
		{"readiness gates and nominated node", gated,
			[]any{"web-0", "1/1", "Running", "0", "10m", "10.42.0.7", "node-1", "node-2", "1/2"}},
		{"first of several pod IPs", dualStack,
			[]any{"web-0", "1/1", "Running", "0", "10m", "fd00::7", "node-1", "<none>", "<none>"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, rowCells(t, tc.pod)); diff != "" {
				t.Errorf("cells (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPodRowConditions(t *testing.T) {
	tests := []struct {
		phase corev1.PodPhase
		want  []metav1.TableRowCondition
	}{
		{corev1.PodRunning, nil},
		{corev1.PodSucceeded, []metav1.TableRowCondition{{Type: metav1.RowCompleted, Status: metav1.ConditionTrue, Reason: "Succeeded", Message: "The pod has completed successfully."}}},
		{corev1.PodFailed, []metav1.TableRowCondition{{Type: metav1.RowCompleted, Status: metav1.ConditionTrue, Reason: "Failed", Message: "The pod failed."}}},
	}
	for _, tc := range tests {
		t.Run(string(tc.phase), func(t *testing.T) {
			table, err := Table(testPod(tc.phase, running(false)), testNow())
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, table.Rows[0].Conditions); diff != "" {
				t.Errorf("conditions (-want +got):\n%s", diff)
			}
		})
	}
}
