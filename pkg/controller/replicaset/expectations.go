package replicaset

import (
	"sync"
	"time"

	"k8s.io/utils/clock"
)

// expectationsTTL bounds how long unobserved writes block a ReplicaSet's next sync, in case a
// watch event was lost.
const expectationsTTL = 5 * time.Minute

// expectations records, per ReplicaSet key, the pod creations and deletions the controller has
// issued but not yet seen in its pod informer. It is safe for concurrent use.
type expectations struct {
	clk clock.PassiveClock
	mu  sync.Mutex
	m   map[string]*expected
}

type expected struct {
	adds int
	dels map[string]bool // pod keys ("ns/name") still expected to go away
	at   time.Time
}

func newExpectations(clk clock.PassiveClock) *expectations {
	return &expectations{clk: clk, m: map[string]*expected{}}
}

// satisfied reports whether key has no pending creations or deletions (or they expired).
func (e *expectations) satisfied(key string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	x, ok := e.m[key]
	if !ok {
		return true
	}
	return (x.adds <= 0 && len(x.dels) == 0) || e.clk.Since(x.at) > expectationsTTL
}

// expectCreates replaces key's expectations with n pending creations.
func (e *expectations) expectCreates(key string, n int) {
	e.set(key, &expected{adds: n, dels: map[string]bool{}})
}

// expectDeletes replaces key's expectations with the deletion of podKeys.
func (e *expectations) expectDeletes(key string, podKeys []string) {
	x := &expected{dels: map[string]bool{}}
	for _, k := range podKeys {
		x.dels[k] = true
	}
	e.set(key, x)
}

func (e *expectations) set(key string, x *expected) {
	e.mu.Lock()
	defer e.mu.Unlock()
	x.at = e.clk.Now()
	e.m[key] = x
}

// creationObserved lowers key's pending creations by one (also used for skipped creations).
func (e *expectations) creationObserved(key string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if x, ok := e.m[key]; ok {
		x.adds--
	}
}

// deletionObserved marks podKey as gone for key; observing it twice is harmless.
func (e *expectations) deletionObserved(key, podKey string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if x, ok := e.m[key]; ok {
		delete(x.dels, podKey)
	}
}

// forget drops key's expectations (the ReplicaSet was deleted).
func (e *expectations) forget(key string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	delete(e.m, key)
}
