package loop

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/workqueue"
)

// Sync reconciles the object named by key. A non-nil error retries key with the queue's
// backoff; otherwise the backoff is reset and, when requeue > 0, key is synced again after
// requeue.
type Sync[K comparable] func(ctx context.Context, key K) (requeue time.Duration, err error)

// ErrRetry marks an expected, transient failure (wrap it with %w): the key is retried with
// backoff like any failure, but logged at Debug rather than Warn.
var ErrRetry = errors.New("not ready, retry")

// NoRequeue adapts a sync function that never asks for a timed resync.
func NoRequeue[K comparable](sync func(ctx context.Context, key K) error) Sync[K] {
	return func(ctx context.Context, key K) (time.Duration, error) { return 0, sync(ctx, key) }
}

// Run waits for the synced caches, then passes the keys of q to reconcile with Work until ctx
// ends. It blocks, shuts q down in every case and returns nil (also when ctx ends before the
// caches sync).
func Run[K comparable](ctx context.Context, q workqueue.TypedRateLimitingInterface[K], workers int, synced []cache.InformerSynced, reconcile Sync[K], log *slog.Logger) error {
	defer q.ShutDown()
	if !cache.WaitForCacheSync(ctx.Done(), synced...) {
		return nil
	}
	Work(ctx, q, workers, reconcile, log)
	return nil
}

// Work passes the keys of q to reconcile from workers goroutines until ctx ends, then shuts
// q down and waits for the workers to return. It blocks. The queue never hands one key to two
// workers at once. Failures are logged to log with the key: at Warn, or at Debug for API conflicts (a stale
// cache the retry reads past) and errors wrapping ErrRetry.
func Work[K comparable](ctx context.Context, q workqueue.TypedRateLimitingInterface[K], workers int, reconcile Sync[K], log *slog.Logger) {
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for next(ctx, q, reconcile, log) {
			}
		})
	}
	<-ctx.Done()
	q.ShutDown()
	wg.Wait()
}

// next syncs one key; it returns false once q is shut down.
func next[K comparable](ctx context.Context, q workqueue.TypedRateLimitingInterface[K], reconcile Sync[K], log *slog.Logger) bool {
	key, quit := q.Get()
	if quit {
		return false
	}
	defer q.Done(key)
	requeue, err := reconcile(ctx, key)
	if err != nil {
		log.Log(ctx, failureLevel(err), "sync failed", "key", key, "err", err)
		q.AddRateLimited(key)
		return true
	}
	q.Forget(key)
	if requeue > 0 {
		q.AddAfter(key, requeue)
	}
	return true
}

func failureLevel(err error) slog.Level {
	if apierrors.IsConflict(err) || errors.Is(err, ErrRetry) {
		return slog.LevelDebug
	}
	return slog.LevelWarn
}
