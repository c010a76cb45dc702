package kubelet

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// fakeBackoff backs off every key in it for the given duration since the event.
type fakeBackoff map[string]time.Duration

func (b fakeBackoff) IsInBackOffSince(key string, since time.Time) bool {
	d, ok := b[key]
	return ok && t0.Sub(since) < d
}
func (b fakeBackoff) Get(key string) time.Duration { return b[key] }

func testPod(policy v1.RestartPolicy, init []string, containers ...string) *v1.Pod {
	p := &v1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "ns", UID: "uid"}, Spec: v1.PodSpec{RestartPolicy: policy}}
	for _, n := range init {
		p.Spec.InitContainers = append(p.Spec.InitContainers, v1.Container{Name: n, Image: "img"})
	}
	for _, n := range containers {
		p.Spec.Containers = append(p.Spec.Containers, v1.Container{Name: n, Image: "img"})
	}
	return p
}

// ctr builds a container state: running, exited with code, or created.
func ctr(id, name string, state runtimeapi.ContainerState, code int32, restarts int) *containerState {
	return &containerState{ID: id, Name: name, SandboxID: "sb1", State: state, ExitCode: code, RestartCount: restarts,
		StartedAt: t0.Add(-time.Minute), FinishedAt: t0.Add(-time.Second), ImageRef: "sha256:x"}
}

const (
	running = runtimeapi.ContainerState_CONTAINER_RUNNING
	exited  = runtimeapi.ContainerState_CONTAINER_EXITED
	created = runtimeapi.ContainerState_CONTAINER_CREATED
)

func sandboxRT(ready bool, cs ...*containerState) *podRuntime {
	r := &podRuntime{UID: "uid", Sandboxes: []*sandboxState{{ID: "sb1", Attempt: 0, Ready: ready, IPs: []string{"10.42.0.5"}}}, Containers: cs}
	r.sortNewestFirst()
	return r
}

func TestComputePodActions(t *testing.T) {
	hashed := func(c *containerState, pod *v1.Pod) *containerState {
		c.Hash = containerHash(specOf(pod, c.Name))
		return c
	}
	always := testPod(v1.RestartPolicyAlways, nil, "a", "b")
	never := testPod(v1.RestartPolicyNever, nil, "a")
	onFailure := testPod(v1.RestartPolicyOnFailure, nil, "a")
	withInit := testPod(v1.RestartPolicyAlways, []string{"i1", "i2"}, "a")
	tests := []struct {
		name    string
		pod     *v1.Pod
		rt      *podRuntime
		probes  map[string]probeResult
		backoff fakeBackoff
		want    podActions
	}{
		{"new pod: sandbox and all containers", always, &podRuntime{}, nil, nil,
			podActions{KillPod: true, CreateSandbox: true, StartInit: -1, Start: []int{0, 1}}},
		{"new pod with init: first init only", withInit, &podRuntime{}, nil, nil,
			podActions{KillPod: true, CreateSandbox: true, StartInit: 0}},
		{"dead sandbox: next attempt", always, sandboxRT(false, ctr("c1", "a", exited, 0, 0)), nil, nil,
			podActions{KillPod: true, CreateSandbox: true, Attempt: 1, StartInit: -1, Start: []int{0, 1}}},
		{"dead sandbox, restartPolicy Never: no new sandbox", never, sandboxRT(false, ctr("c1", "a", exited, 0, 0)), nil, nil,
			podActions{KillPod: true, StartInit: -1}},
		{"all running: nothing", always, sandboxRT(true, hashed(ctr("c1", "a", running, 0, 0), always), hashed(ctr("c2", "b", running, 0, 0), always)), nil, nil,
			podActions{StartInit: -1}},
		{"missing container started", always, sandboxRT(true, hashed(ctr("c1", "a", running, 0, 0), always)), nil, nil,
			podActions{StartInit: -1, Start: []int{1}}},
		{"exited, Always: restart", always, sandboxRT(true, ctr("c1", "a", exited, 0, 0), ctr("c2", "b", running, 0, 0)), nil, nil,
			podActions{StartInit: -1, Start: []int{0}}},
		{"exited in back-off: CrashLoopBackOff", always, sandboxRT(true, ctr("c1", "a", exited, 1, 3), ctr("c2", "b", running, 0, 0)), nil,
			fakeBackoff{"uid/a": 20 * time.Second},
			podActions{StartInit: -1, RetryAfter: 19 * time.Second, Waiting: map[string]waiting{"a": {"CrashLoopBackOff", "back-off 20s restarting failed container=a pod=p_ns(uid)"}}}},
		{"exited 0, OnFailure: done", onFailure, sandboxRT(true, ctr("c1", "a", exited, 0, 0)), nil, nil,
			podActions{StartInit: -1}},
		{"exited 1, OnFailure: restart", onFailure, sandboxRT(true, ctr("c1", "a", exited, 1, 0)), nil, nil,
			podActions{StartInit: -1, Start: []int{0}}},
		{"exited, Never: done", never, sandboxRT(true, ctr("c1", "a", exited, 1, 0)), nil, nil,
			podActions{StartInit: -1}},
		{"liveness failed: kill", always, sandboxRT(true, ctr("c1", "a", running, 0, 0), ctr("c2", "b", running, 0, 0)),
			map[string]probeResult{"c1": {LivenessFailed: true}}, nil,
			podActions{StartInit: -1, Kill: []killAction{{"c1", "a", "Killing", "Container a failed liveness probe, will be restarted"}}}},
		{"spec changed: kill", always, sandboxRT(true, func() *containerState { c := ctr("c1", "a", running, 0, 0); c.Hash = "old"; return c }(), ctr("c2", "b", running, 0, 0)), nil, nil,
			podActions{StartInit: -1, Kill: []killAction{{"c1", "a", "Killing", "Container a definition changed, will be restarted"}}}},
		{"created but not started: replace", never, sandboxRT(true, ctr("c1", "a", created, 0, 0)), nil, nil,
			podActions{StartInit: -1, Start: []int{0}, Kill: []killAction{{ID: "c1", Name: "a"}}}},
		{"unknown container: kill", never, sandboxRT(true, ctr("c1", "a", running, 0, 0), ctr("c9", "gone", running, 0, 0)), nil, nil,
			podActions{StartInit: -1, Kill: []killAction{{"c9", "gone", "Killing", "Stopping container gone"}}}},
		{"init running: wait", withInit, sandboxRT(true, ctr("c1", "i1", running, 0, 0)), nil, nil,
			podActions{StartInit: -1}},
		{"init done: next init", withInit, sandboxRT(true, ctr("c1", "i1", exited, 0, 0)), nil, nil,
			podActions{StartInit: 1}},
		{"init failed, Always: restart it", withInit, sandboxRT(true, ctr("c1", "i1", exited, 2, 0)), nil, nil,
			podActions{StartInit: 0}},
		{"init failed, Never: kill pod", testPod(v1.RestartPolicyNever, []string{"i1"}, "a"), sandboxRT(true, ctr("c1", "i1", exited, 2, 0)), nil, nil,
			podActions{StartInit: -1, KillPod: true}},
		{"inits done: app containers", withInit, sandboxRT(true, ctr("c1", "i1", exited, 0, 0), ctr("c2", "i2", exited, 0, 0)), nil, nil,
			podActions{StartInit: -1, Start: []int{0}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := computePodActions(planInput{Pod: tt.pod, Runtime: tt.rt, Probes: tt.probes, Backoff: tt.backoff, Now: t0})
			if tt.want.Waiting == nil {
				tt.want.Waiting = map[string]waiting{}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("actions (-want +got):\n%s", diff)
			}
		})
	}
}
