// Package queue is the scheduler's queue of pods waiting for a node. It has three parts, as
// upstream's: active (ready to schedule, highest priority first, then oldest), backoff (failed
// recently: waiting out an exponential backoff) and unschedulable (failed and waiting for the
// cluster to change). Unschedulable pods return when MoveAll reports a cluster change or after
// MaxUnschedulable; backoff pods return when their backoff expires. Nothing busy-loops: Pop blocks.
//
// The queue holds pods by namespace/name key and keeps only the newest copy of each pod.
package queue

import (
	"container/heap"
	"context"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/utils/clock"
)

// Config tunes the queue; zero values take upstream's defaults.
type Config struct {
	InitialBackoff   time.Duration // 1s
	MaxBackoff       time.Duration // 10s
	MaxUnschedulable time.Duration // 5m: unschedulable pods are retried at least this often
}

// QueuedPod is a pod handed out by Pop.
type QueuedPod struct {
	Pod      *corev1.Pod
	Attempts int
	// Added is when the pod first entered the queue (for latency metrics).
	Added time.Time
	// timestamp orders pods of equal priority; backoffUntil is when a backoff pod is due.
	timestamp    time.Time
	backoffUntil time.Time
	unschedSince time.Time
	index        int
}

// Key returns the pod's namespace/name.
func (p *QueuedPod) Key() string { return key(p.Pod) }

func key(pod *corev1.Pod) string { k, _ := cache.MetaNamespaceKeyFunc(pod); return k }

// Queue is safe for concurrent use.
type Queue struct {
	cfg   Config
	clock clock.WithTicker

	mu       sync.Mutex
	cond     *sync.Cond
	active   *podHeap
	backoff  *podHeap
	unsched  map[string]*QueuedPod
	inFlight map[string]*QueuedPod
	// cycle counts Pops; moveCycle is the cycle of the last MoveAll, so that a pod whose attempt
	// began before a cluster change is retried instead of parked as unschedulable.
	cycle, moveCycle int64
	closed           bool
}

// New returns an empty queue.
func New(cfg Config, clk clock.WithTicker) *Queue {
	if cfg.InitialBackoff == 0 {
		cfg.InitialBackoff = time.Second
	}
	if cfg.MaxBackoff == 0 {
		cfg.MaxBackoff = 10 * time.Second
	}
	if cfg.MaxUnschedulable == 0 {
		cfg.MaxUnschedulable = 5 * time.Minute
	}
	q := &Queue{cfg: cfg, clock: clk, active: newHeap(lessActive), backoff: newHeap(lessBackoff),
		unsched: map[string]*QueuedPod{}, inFlight: map[string]*QueuedPod{}}
	q.cond = sync.NewCond(&q.mu)
	return q
}

// Add puts a new pod in active, or refreshes the copy of a pod already queued where it is.
func (q *Queue) Add(pod *corev1.Pod) {
	q.mu.Lock()
	defer q.mu.Unlock()
	k := key(pod)
	if qp := q.find(k); qp != nil {
		qp.Pod = pod
		q.fix(qp)
		return
	}
	if qp, ok := q.inFlight[k]; ok {
		qp.Pod = pod
		return
	}
	now := q.clock.Now()
	heap.Push(q.active, &QueuedPod{Pod: pod, Added: now, timestamp: now})
	q.cond.Broadcast()
}

// Update refreshes a queued pod; an unschedulable pod whose spec changed is retried at once.
func (q *Queue) Update(pod *corev1.Pod) {
	q.mu.Lock()
	k := key(pod)
	if qp, ok := q.unsched[k]; ok {
		delete(q.unsched, k)
		qp.Pod = pod
		q.toBackoffOrActive(qp)
		q.mu.Unlock()
		return
	}
	q.mu.Unlock()
	q.Add(pod)
}

// Delete forgets a pod.
func (q *Queue) Delete(pod *corev1.Pod) {
	q.mu.Lock()
	defer q.mu.Unlock()
	k := key(pod)
	delete(q.unsched, k)
	delete(q.inFlight, k)
	for _, h := range []*podHeap{q.active, q.backoff} {
		if qp := h.get(k); qp != nil {
			heap.Remove(h, qp.index)
		}
	}
}

// Pop blocks until a pod is active or ctx ends (nil, ctx.Err()). The pod is in flight until
// Done, Requeue or Unschedulable is called for it.
func (q *Queue) Pop(ctx context.Context) (*QueuedPod, error) {
	stop := context.AfterFunc(ctx, func() { q.mu.Lock(); q.cond.Broadcast(); q.mu.Unlock() })
	defer stop()
	q.mu.Lock()
	defer q.mu.Unlock()
	for q.active.Len() == 0 {
		if ctx.Err() != nil || q.closed {
			return nil, context.Canceled
		}
		q.cond.Wait()
	}
	qp := heap.Pop(q.active).(*QueuedPod)
	qp.Attempts++
	q.cycle++
	q.inFlight[qp.Key()] = qp
	return qp, nil
}

// Cycle returns the number of Pops so far; pass it to Unschedulable.
func (q *Queue) Cycle() int64 { q.mu.Lock(); defer q.mu.Unlock(); return q.cycle }

// Done ends an attempt that placed the pod (or found it gone).
func (q *Queue) Done(qp *QueuedPod) {
	q.mu.Lock()
	defer q.mu.Unlock()
	delete(q.inFlight, qp.Key())
}

// Unschedulable parks a pod that fit nowhere in the attempt that began at cycle. If the
// cluster changed since then, the pod goes to backoff instead of waiting for another change.
func (q *Queue) Unschedulable(qp *QueuedPod, cycle int64) {
	q.mu.Lock()
	defer q.mu.Unlock()
	k := qp.Key()
	if _, ok := q.inFlight[k]; !ok {
		return // deleted meanwhile
	}
	delete(q.inFlight, k)
	qp.timestamp = q.clock.Now()
	if q.moveCycle >= cycle {
		q.toBackoffOrActive(qp)
		return
	}
	qp.unschedSince = q.clock.Now()
	q.unsched[k] = qp
}

// Requeue puts a pod whose attempt failed for a transient reason (an API error) into backoff.
func (q *Queue) Requeue(qp *QueuedPod) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if _, ok := q.inFlight[qp.Key()]; !ok {
		return
	}
	delete(q.inFlight, qp.Key())
	q.toBackoffOrActive(qp)
}

// MoveAll reports a cluster change that may make unschedulable pods fit (a node added or
// changed, a pod deleted): they move to backoff, or active when their backoff is over.
func (q *Queue) MoveAll() {
	q.mu.Lock()
	defer q.mu.Unlock()
	for k, qp := range q.unsched {
		delete(q.unsched, k)
		q.toBackoffOrActive(qp)
	}
	q.moveCycle = q.cycle
}

// toBackoffOrActive requires q.mu.
func (q *Queue) toBackoffOrActive(qp *QueuedPod) {
	qp.backoffUntil = qp.timestamp.Add(q.backoffFor(qp.Attempts))
	if !q.clock.Now().Before(qp.backoffUntil) {
		heap.Push(q.active, qp)
		q.cond.Broadcast()
		return
	}
	heap.Push(q.backoff, qp)
}

func (q *Queue) backoffFor(attempts int) time.Duration {
	d := q.cfg.InitialBackoff
	for i := 1; i < attempts && d < q.cfg.MaxBackoff; i++ {
		d *= 2
	}
	return min(d, q.cfg.MaxBackoff)
}

// Flush moves due backoff pods to active and unschedulable pods older than MaxUnschedulable
// to backoff/active. Run calls it every second.
func (q *Queue) Flush() {
	q.mu.Lock()
	defer q.mu.Unlock()
	now := q.clock.Now()
	for q.backoff.Len() > 0 && !now.Before((*q.backoff).items[0].backoffUntil) {
		heap.Push(q.active, heap.Pop(q.backoff))
		q.cond.Broadcast()
	}
	for k, qp := range q.unsched {
		if now.Sub(qp.unschedSince) >= q.cfg.MaxUnschedulable {
			delete(q.unsched, k)
			q.toBackoffOrActive(qp)
		}
	}
}

// Run flushes the queue every second until ctx ends, then wakes every blocked Pop.
func (q *Queue) Run(ctx context.Context) error {
	t := q.clock.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			q.mu.Lock()
			q.closed = true
			q.cond.Broadcast()
			q.mu.Unlock()
			return nil
		case <-t.C():
			q.Flush()
		}
	}
}

// Len returns the number of pods in active, backoff and unschedulable.
func (q *Queue) Len() (active, backoff, unschedulable int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.active.Len(), q.backoff.Len(), len(q.unsched)
}

func (q *Queue) find(k string) *QueuedPod {
	if qp := q.active.get(k); qp != nil {
		return qp
	}
	if qp := q.backoff.get(k); qp != nil {
		return qp
	}
	return q.unsched[k]
}

func (q *Queue) fix(qp *QueuedPod) {
	if q.active.get(qp.Key()) == qp {
		heap.Fix(q.active, qp.index)
	}
}
