package loop

import (
	"k8s.io/client-go/util/workqueue"
	"k8s.io/utils/clock"
)

// NewQueue returns a rate-limited queue of keys with client-go's default controller rate
// limiter (per-key exponential backoff and an overall token bucket); name labels its metrics.
func NewQueue[K comparable](name string) workqueue.TypedRateLimitingInterface[K] {
	return NewQueueOnClock[K](name, nil)
}

// NewQueueOnClock is NewQueue whose delayed adds (AddAfter, AddRateLimited) wait on clk, so
// that a fake clock drives timed resyncs in tests. A nil clk is the real clock.
func NewQueueOnClock[K comparable](name string, clk clock.WithTicker) workqueue.TypedRateLimitingInterface[K] {
	return workqueue.NewTypedRateLimitingQueueWithConfig(workqueue.DefaultTypedControllerRateLimiter[K](),
		workqueue.TypedRateLimitingQueueConfig[K]{Name: name, Clock: clk})
}
