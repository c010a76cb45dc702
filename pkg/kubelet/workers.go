package kubelet

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/types"
)

// syncFunc syncs one pod. done means the pod is gone for good (its worker ends); retry, when
// positive, asks for another sync after that long.
type syncFunc func(ctx context.Context, uid types.UID) (done bool, retry time.Duration, err error)

// podWorkers runs one goroutine per pod UID: syncs of one pod are serialized, pods sync in
// parallel, and requests that arrive during a sync coalesce into one more sync.
type podWorkers struct {
	sync syncFunc
	log  *slog.Logger

	mu      sync.Mutex
	ctx     context.Context
	workers map[types.UID]chan struct{}
	wg      sync.WaitGroup
}

func newPodWorkers(f syncFunc, log *slog.Logger) *podWorkers {
	return &podWorkers{sync: f, log: log, workers: map[types.UID]chan struct{}{}}
}

// start lets enqueue run workers until ctx ends. Earlier enqueues are dropped.
func (w *podWorkers) start(ctx context.Context) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.ctx = ctx
}

// wait blocks until every worker has returned (after the start context ended).
func (w *podWorkers) wait() { w.wg.Wait() }

// enqueue asks for a sync of uid. It never blocks.
func (w *podWorkers) enqueue(uid types.UID) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.ctx == nil || w.ctx.Err() != nil {
		return
	}
	ch, ok := w.workers[uid]
	if !ok {
		ch = make(chan struct{}, 1)
		w.workers[uid] = ch
		w.wg.Add(1)
		go w.loop(w.ctx, uid, ch)
	}
	select {
	case ch <- struct{}{}:
	default:
	}
}

func (w *podWorkers) enqueueAfter(uid types.UID, d time.Duration) {
	time.AfterFunc(d, func() { w.enqueue(uid) })
}

func (w *podWorkers) loop(ctx context.Context, uid types.UID, ch chan struct{}) {
	defer w.wg.Done()
	failures := 0
	for {
		select {
		case <-ctx.Done():
			return
		case <-ch:
		}
		done, retry, err := w.sync(ctx, uid)
		if err != nil && ctx.Err() == nil {
			failures++
			w.log.Warn("pod sync failed", "uid", uid, "err", err)
			retry = min(time.Duration(1<<min(failures, 6))*100*time.Millisecond, 5*time.Second)
		} else if err == nil {
			failures = 0
		}
		if done && w.finish(uid, ch) {
			return
		}
		if retry > 0 {
			w.enqueueAfter(uid, retry)
		}
	}
}

// finish removes the worker of uid unless another sync was requested meanwhile.
func (w *podWorkers) finish(uid types.UID, ch chan struct{}) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(ch) > 0 {
		return false
	}
	delete(w.workers, uid)
	return true
}
