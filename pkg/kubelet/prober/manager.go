// Package prober runs the liveness, readiness and startup probes of running containers (exec
// through CRI ExecSync, httpGet, tcpSocket, grpc) and keeps their results, as upstream's
// kubelet prober: one worker goroutine per (container ID, probe kind).
package prober

import (
	"context"
	"strings"
	"sync"
	"time"

	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/record"
	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"
	"k8s.io/utils/clock"
)

// State is what the probes say about one container.
type State struct {
	// Ready: the container is started and its readiness probe (if any) has succeeded
	// successThreshold times in a row (and not failed failureThreshold times since).
	Ready bool
	// Started: no startup probe, or it has succeeded.
	Started bool
	// LivenessFailed: the liveness probe (or the startup probe) failed failureThreshold times
	// in a row; the kubelet must kill the container. The worker stops probing that container.
	LivenessFailed bool
}

type workerKey struct {
	uid       types.UID
	container string
	kind      Kind
}

type resultKey struct {
	id   string
	kind Kind
}

type podEntry struct {
	pod   *v1.Pod
	podIP string
}

// Manager owns the probe workers and their results. All methods are safe for concurrent use.
type Manager struct {
	prober   prober
	clk      clock.Clock
	rec      record.EventRecorder
	onChange func(types.UID)

	mu      sync.Mutex
	ctx     context.Context // set by Run; nil before
	pods    map[types.UID]*podEntry
	workers map[workerKey]*worker
	results map[resultKey]Result
}

// NewManager returns a Manager that execs through rt, records Unhealthy events with rec and
// calls onChange(uid) (from a worker goroutine; it must not block) whenever a probe result of
// the pod flips. Workers start once Run runs.
func NewManager(rt runtimeapi.RuntimeServiceClient, clk clock.Clock, rec record.EventRecorder, onChange func(types.UID)) *Manager {
	if onChange == nil {
		onChange = func(types.UID) {}
	}
	return &Manager{
		prober: prober{rt: rt}, clk: clk, rec: rec, onChange: onChange,
		pods: map[types.UID]*podEntry{}, workers: map[workerKey]*worker{}, results: map[resultKey]Result{},
	}
}

// Run starts the workers (those Update asked for so far and later ones) and blocks until ctx
// ends, then stops them all and returns nil.
func (m *Manager) Run(ctx context.Context) error {
	m.mu.Lock()
	m.ctx = ctx
	for _, w := range m.workers {
		m.startLocked(w)
	}
	m.mu.Unlock()
	<-ctx.Done()
	m.mu.Lock()
	ws := make([]*worker, 0, len(m.workers))
	for k, w := range m.workers {
		ws = append(ws, w)
		delete(m.workers, k)
	}
	m.mu.Unlock()
	for _, w := range ws {
		stopWorker(w)
	}
	return nil
}

// Update reconciles the workers of pod with its container statuses: a running container
// (State.Running set, ContainerID known) gets one worker per declared probe; workers of
// containers that are gone, not running or replaced (new ID) stop. podIP is the target of
// httpGet, tcpSocket and grpc probes without a host. Regular containers and restartable init
// containers (sidecars) are probed. The first Update of a pod calls onChange(uid), since
// State answered the zero State for it until then.
func (m *Manager) Update(pod *v1.Pod, podIP string, statuses []v1.ContainerStatus) {
	if m.update(pod, podIP, statuses) {
		m.onChange(pod.UID)
	}
}

// update does Update's work; it reports whether the pod is new to the manager.
func (m *Manager) update(pod *v1.Pod, podIP string, statuses []v1.ContainerStatus) (isNew bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	_, known := m.pods[pod.UID]
	m.pods[pod.UID] = &podEntry{pod: pod, podIP: podIP}
	want := map[workerKey]*worker{}
	for _, c := range probedContainers(pod) {
		st := findStatus(statuses, c.Name)
		if st == nil || st.State.Running == nil || st.ContainerID == "" {
			continue
		}
		for kind, p := range map[Kind]*v1.Probe{Liveness: c.LivenessProbe, Readiness: c.ReadinessProbe, Startup: c.StartupProbe} {
			if p != nil {
				key := workerKey{pod.UID, c.Name, kind}
				want[key] = m.newWorker(pod, c, kind, p, trimRuntime(st.ContainerID), st.State.Running.StartedAt.Time)
			}
		}
	}
	for key, w := range m.workers {
		if key.uid == pod.UID && (want[key] == nil || want[key].id != w.id) {
			m.stopLocked(key, w)
		}
	}
	for key, w := range want {
		if cur := m.workers[key]; cur != nil && cur.id == w.id {
			continue
		}
		m.workers[key] = w
		m.startLocked(w)
	}
	return !known
}

// Remove stops the workers of the pod with uid and forgets its results.
func (m *Manager) Remove(uid types.UID) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for key, w := range m.workers {
		if key.uid == uid {
			m.stopLocked(key, w)
		}
	}
	delete(m.pods, uid)
}

// State is the probe state of container (name) with CRI or status containerID of the pod
// with uid. For a pod Update has not seen yet it is the zero State (not started, not ready:
// the probes are unknown); Update then calls onChange so the kubelet asks again.
func (m *Manager) State(uid types.UID, container, containerID string) State {
	m.mu.Lock()
	defer m.mu.Unlock()
	id := trimRuntime(containerID)
	var c *v1.Container
	if e := m.pods[uid]; e != nil {
		c = findContainer(e.pod, container)
	}
	if c == nil {
		return State{}
	}
	started := c.StartupProbe == nil || m.results[resultKey{id, Startup}] == Success
	ready := started && (c.ReadinessProbe == nil || m.results[resultKey{id, Readiness}] == Success)
	failed := (c.LivenessProbe != nil && m.results[resultKey{id, Liveness}] == Failure) ||
		(c.StartupProbe != nil && m.results[resultKey{id, Startup}] == Failure)
	return State{Ready: ready, Started: started, LivenessFailed: failed}
}

func (m *Manager) newWorker(pod *v1.Pod, c *v1.Container, kind Kind, p *v1.Probe, id string, startedAt time.Time) *worker {
	w := &worker{kind: kind, spec: p, pod: pod, container: c.Name, id: id, startedAt: startedAt, clk: m.clk, done: make(chan struct{})}
	w.last = kind.initialResult()
	w.probe = func(ctx context.Context) (Result, string, error) { return m.prober.run(ctx, w.spec, m.target(w)) }
	w.started = func() bool { return m.isStarted(pod.UID, c.Name, id) }
	w.set = func(r Result) { m.setResult(workerKey{pod.UID, c.Name, kind}, w, r) }
	w.event = func(msg string) { m.event(w, msg) }
	return w
}

func (m *Manager) target(w *worker) target {
	m.mu.Lock()
	defer m.mu.Unlock()
	t := target{containerID: w.id}
	if e := m.pods[w.pod.UID]; e != nil {
		t.podIP = e.podIP
	}
	if c := findContainer(w.pod, w.container); c != nil {
		t.ports = c.Ports
	}
	return t
}

func (m *Manager) isStarted(uid types.UID, container, id string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.workers[workerKey{uid, container, Startup}]; !ok {
		return true
	}
	return m.results[resultKey{id, Startup}] == Success
}

// setResult records w's result unless w was stopped meanwhile; onChange on a flip.
func (m *Manager) setResult(wk workerKey, w *worker, r Result) {
	key := resultKey{w.id, wk.kind}
	m.mu.Lock()
	if m.workers[wk] != w {
		m.mu.Unlock()
		return
	}
	old, had := m.results[key]
	m.results[key] = r
	m.mu.Unlock()
	if !had {
		old = wk.kind.initialResult()
	}
	if old != r {
		m.onChange(wk.uid)
	}
}

func (m *Manager) event(w *worker, msg string) {
	if m.rec == nil {
		return
	}
	ref := &v1.ObjectReference{Kind: "Pod", APIVersion: "v1", Namespace: w.pod.Namespace, Name: w.pod.Name,
		UID: w.pod.UID, FieldPath: fieldPath(w.pod, w.container)}
	m.rec.Event(ref, v1.EventTypeWarning, "Unhealthy", msg)
}

// startLocked starts w's goroutine once Run has provided a context. m.mu is held.
func (m *Manager) startLocked(w *worker) {
	if m.ctx == nil || w.startedGo {
		return
	}
	ctx, cancel := context.WithCancel(m.ctx)
	w.cancel, w.startedGo = cancel, true
	go w.loop(ctx)
}

// stopLocked removes the worker and its result; the goroutine ends on its own. m.mu is held.
func (m *Manager) stopLocked(key workerKey, w *worker) {
	delete(m.workers, key)
	delete(m.results, resultKey{w.id, key.kind})
	if w.cancel != nil {
		w.cancel()
	}
}

func stopWorker(w *worker) {
	if w.cancel != nil {
		w.cancel()
		<-w.done
	}
}

func probedContainers(pod *v1.Pod) []*v1.Container {
	var out []*v1.Container
	for i := range pod.Spec.InitContainers {
		c := &pod.Spec.InitContainers[i]
		if c.RestartPolicy != nil && *c.RestartPolicy == v1.ContainerRestartPolicyAlways {
			out = append(out, c)
		}
	}
	for i := range pod.Spec.Containers {
		out = append(out, &pod.Spec.Containers[i])
	}
	return out
}

func findContainer(pod *v1.Pod, name string) *v1.Container {
	for _, c := range probedContainers(pod) {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func findStatus(statuses []v1.ContainerStatus, name string) *v1.ContainerStatus {
	for i := range statuses {
		if statuses[i].Name == name {
			return &statuses[i]
		}
	}
	return nil
}

// fieldPath is the event's field path of a container, as upstream (spec.containers{name}).
func fieldPath(pod *v1.Pod, name string) string {
	for _, c := range pod.Spec.InitContainers {
		if c.Name == name {
			return "spec.initContainers{" + name + "}"
		}
	}
	return "spec.containers{" + name + "}"
}

// trimRuntime strips the "<runtime>://" prefix of a status container ID.
func trimRuntime(id string) string {
	if _, after, ok := strings.Cut(id, "://"); ok {
		return after
	}
	return id
}
