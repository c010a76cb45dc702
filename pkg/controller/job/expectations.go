package job

import (
	"sync"
	"time"

	"k8s.io/utils/clock"
)

// expectationsTTL bounds how long unobserved writes block a job's next pod creations, in case a
// watch event was lost.
const expectationsTTL = 5 * time.Minute

// expectations counts, per job key, pod creations and deletions issued but not yet seen in the
// pod informer. It is safe for concurrent use.
type expectations struct {
	clk clock.PassiveClock
	mu  sync.Mutex
	m   map[string]*pending
}

type pending struct {
	adds, dels int
	at         time.Time
}

func newExpectations(clk clock.PassiveClock) *expectations {
	return &expectations{clk: clk, m: map[string]*pending{}}
}

// satisfied reports whether key has nothing pending (or what is pending expired).
func (e *expectations) satisfied(key string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	x, ok := e.m[key]
	return !ok || (x.adds <= 0 && x.dels <= 0) || e.clk.Since(x.at) > expectationsTTL
}

// expect replaces key's expectations with adds creations and dels deletions.
func (e *expectations) expect(key string, adds, dels int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.m[key] = &pending{adds: adds, dels: dels, at: e.clk.Now()}
}

// observed lowers key's pending creations by adds and deletions by dels.
func (e *expectations) observed(key string, adds, dels int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if x, ok := e.m[key]; ok {
		x.adds -= adds
		x.dels -= dels
	}
}

// forget drops key's expectations.
func (e *expectations) forget(key string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	delete(e.m, key)
}
