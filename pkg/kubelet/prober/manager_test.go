package prober

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/tools/record"
	clocktesting "k8s.io/utils/clock/testing"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// stepWorker is a worker whose probe returns scripted results, driven by doProbe.
func stepWorker(kind Kind, spec *v1.Probe, clk *clocktesting.FakeClock, started *bool, results ...Result) (*worker, *[]Result, *[]string) {
	var set []Result
	var events []string
	w := &worker{kind: kind, spec: spec, clk: clk, startedAt: t0, last: kind.initialResult()}
	w.probe = func(context.Context) (Result, string, error) {
		r := results[0]
		results = results[1:]
		return r, "boom", nil
	}
	w.started = func() bool { return *started }
	w.set = func(r Result) { set = append(set, r) }
	w.event = func(msg string) { events = append(events, msg) }
	return w, &set, &events
}

func TestWorkerThresholds(t *testing.T) {
	S, F := Success, Failure
	cases := []struct {
		name    string
		kind    Kind
		spec    v1.Probe
		started bool
		results []Result
		want    []Result // results recorded after each doProbe, cumulated
	}{
		{"readiness needs successThreshold", Readiness, v1.Probe{SuccessThreshold: 2, FailureThreshold: 3}, true,
			[]Result{S, S, S, F, F, F, S}, []Result{S, S, F}},
		{"readiness failures reset by a success", Readiness, v1.Probe{SuccessThreshold: 1, FailureThreshold: 2}, true,
			[]Result{F, S, F, S}, []Result{S, S}},
		{"liveness failureThreshold then on hold", Liveness, v1.Probe{SuccessThreshold: 1, FailureThreshold: 3}, true,
			[]Result{F, F, F, S}, []Result{F}},
		{"not started: no liveness probe", Liveness, v1.Probe{FailureThreshold: 1}, false, nil, nil},
		{"startup failure", Startup, v1.Probe{FailureThreshold: 2}, false, []Result{F, F, S}, []Result{F}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			clk := clocktesting.NewFakeClock(t0)
			started := tc.started
			spec := tc.spec
			w, set, events := stepWorker(tc.kind, &spec, clk, &started, tc.results...)
			for range tc.results {
				w.doProbe(context.Background())
			}
			if !tc.started {
				w.doProbe(context.Background()) // would panic if it probed
			}
			if len(*set) != len(tc.want) {
				t.Fatalf("recorded %v, want %v", *set, tc.want)
			}
			for i := range tc.want {
				if (*set)[i] != tc.want[i] {
					t.Errorf("recorded %v, want %v", *set, tc.want)
				}
			}
			for _, e := range *events {
				if e != tc.kind.String()+" probe failed: boom" {
					t.Errorf("event %q", e)
				}
			}
		})
	}
}

func TestWorkerInitialDelayAndStartupStops(t *testing.T) {
	clk := clocktesting.NewFakeClock(t0)
	started := false
	w, set, _ := stepWorker(Startup, &v1.Probe{InitialDelaySeconds: 10}, clk, &started, Success)
	w.doProbe(context.Background())
	if len(*set) != 0 {
		t.Fatalf("probed before initialDelay: %v", *set)
	}
	clk.Step(10 * time.Second)
	w.doProbe(context.Background())
	if len(*set) != 1 || (*set)[0] != Success {
		t.Fatalf("recorded %v", *set)
	}
	started = true
	w.doProbe(context.Background()) // would panic if it probed (no scripted result left)
}

// server is an HTTP target whose /healthz status the test sets.
type server struct {
	*httptest.Server
	code atomic.Int32
}

func newServer(t *testing.T) *server {
	s := &server{}
	s.code.Store(200)
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(int(s.code.Load()))
	}))
	t.Cleanup(s.Close)
	return s
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestManager(t *testing.T) {
	srv := newServer(t)
	host, port := hostPort(t, srv.Listener.Addr().String())
	httpProbe := func(failures int32) *v1.Probe {
		return &v1.Probe{PeriodSeconds: 10, FailureThreshold: failures, SuccessThreshold: 1,
			ProbeHandler: v1.ProbeHandler{HTTPGet: &v1.HTTPGetAction{Path: "/healthz", Port: intstr.FromInt(port)}}}
	}
	pod := &v1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "ns", UID: "u1"}, Spec: v1.PodSpec{Containers: []v1.Container{
		{Name: "web", LivenessProbe: httpProbe(2), ReadinessProbe: httpProbe(1)},
		{Name: "plain"},
	}}}
	running := func(id string) []v1.ContainerStatus {
		return []v1.ContainerStatus{{Name: "web", ContainerID: "containerd://" + id,
			State: v1.ContainerState{Running: &v1.ContainerStateRunning{StartedAt: metav1.NewTime(t0)}}}}
	}
	clk := clocktesting.NewFakeClock(t0)
	rec := record.NewFakeRecorder(100)
	var mu sync.Mutex
	changes := 0
	m := NewManager(nil, clk, rec, func(uid types.UID) {
		mu.Lock()
		defer mu.Unlock()
		if uid == "u1" {
			changes++
		}
	})
	state := func() State { return m.State("u1", "web", "containerd://c1") }
	if s := state(); s != (State{}) {
		t.Errorf("unknown pod: %+v", s)
	}
	m.Update(pod, host, running("c1"))
	mu.Lock()
	if changes != 1 {
		t.Errorf("first Update: %d onChange calls, want 1", changes)
	}
	mu.Unlock()
	if s := state(); s != (State{Started: true}) {
		t.Errorf("before Run: %+v", s)
	}
	if s := m.State("u1", "plain", "containerd://c2"); s != (State{Ready: true, Started: true}) {
		t.Errorf("no probes: %+v", s)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- m.Run(ctx) }()
	waitFor(t, "ready", func() bool { return state().Ready })

	srv.code.Store(500)
	waitFor(t, "timers", func() bool { return clk.HasWaiters() })
	clk.Step(10 * time.Second)
	waitFor(t, "not ready", func() bool { return !state().Ready })
	if state().LivenessFailed {
		t.Error("liveness failed after 1 failure, threshold 2")
	}
	waitFor(t, "timers", func() bool { return clk.HasWaiters() })
	clk.Step(10 * time.Second)
	waitFor(t, "liveness failed", func() bool { return state().LivenessFailed })
	msg := <-rec.Events
	if !strings.HasPrefix(msg, "Warning Unhealthy ") || !strings.Contains(msg, "probe failed: HTTP probe failed with statuscode: 500") {
		t.Errorf("event %q", msg)
	}
	mu.Lock()
	if changes < 4 { // first Update, ready, not ready, liveness failed
		t.Errorf("onChange called %d times", changes)
	}
	mu.Unlock()

	// the kubelet restarts the container: a new ID starts over
	srv.code.Store(200)
	m.Update(pod, host, running("c2"))
	waitFor(t, "new container ready", func() bool { return m.State("u1", "web", "c2").Ready })
	if s := m.State("u1", "web", "c2"); s.LivenessFailed {
		t.Errorf("new container: %+v", s)
	}
	m.Update(pod, host, nil) // container gone
	m.mu.Lock()
	n := len(m.workers)
	m.mu.Unlock()
	if n != 0 {
		t.Errorf("%d workers left", n)
	}
	m.Update(pod, host, running("c3"))
	m.Remove("u1")
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestManagerStartupGates(t *testing.T) {
	srv := newServer(t)
	host, port := hostPort(t, srv.Listener.Addr().String())
	probe := &v1.Probe{PeriodSeconds: 1, FailureThreshold: 30, SuccessThreshold: 1,
		ProbeHandler: v1.ProbeHandler{TCPSocket: &v1.TCPSocketAction{Port: intstr.FromInt(port)}}}
	pod := &v1.Pod{ObjectMeta: metav1.ObjectMeta{UID: "u"}, Spec: v1.PodSpec{Containers: []v1.Container{{Name: "c", StartupProbe: probe}}}}
	m := NewManager(nil, clocktesting.NewFakeClock(t0), nil, nil)
	m.Update(pod, host, []v1.ContainerStatus{{Name: "c", ContainerID: "containerd://x",
		State: v1.ContainerState{Running: &v1.ContainerStateRunning{StartedAt: metav1.NewTime(t0)}}}})
	if s := m.State("u", "c", "x"); s.Started || s.Ready {
		t.Errorf("before startup probe: %+v", s)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go m.Run(ctx)
	waitFor(t, "started", func() bool { return m.State("u", "c", "x") == State{Ready: true, Started: true} })
}
