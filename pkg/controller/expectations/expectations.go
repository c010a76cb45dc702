// Package expectations records the pod writes a controller has issued but not yet seen in its
// informer cache, so that it does not act twice on a stale cache: while an owner's
// expectations are unsatisfied its controller must not create or delete more pods for it.
package expectations

import (
	"sync"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/clock"
)

// TTL bounds how long unobserved writes block an owner's next pod writes, in case a watch
// event was lost.
const TTL = 5 * time.Minute

// Expectations holds, per owner key, the pod creations and deletions issued but not yet
// observed. It is safe for concurrent use.
type Expectations struct {
	clk clock.PassiveClock
	mu  sync.Mutex
	m   map[string]*pending
}

type pending struct {
	adds int
	dels map[string]bool // pod keys ("ns/name") still expected to go away
	at   time.Time
}

// New returns empty expectations whose TTL is measured on clk.
func New(clk clock.PassiveClock) *Expectations {
	return &Expectations{clk: clk, m: map[string]*pending{}}
}

// PodKey is the key ("namespace/name") DeletionObserved and Expect take for a pod.
func PodKey(pod metav1.Object) string { return pod.GetNamespace() + "/" + pod.GetName() }

// PodKeys returns the PodKey of each pod, in order.
func PodKeys[P metav1.Object](pods []P) []string {
	keys := make([]string, len(pods))
	for i, p := range pods {
		keys[i] = PodKey(p)
	}
	return keys
}

// Satisfied reports whether key has no pending creations or deletions (or they expired).
func (e *Expectations) Satisfied(key string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	x, ok := e.m[key]
	return !ok || (x.adds <= 0 && len(x.dels) == 0) || e.clk.Since(x.at) > TTL
}

// Expect replaces key's expectations with creates pending creations and the deletion of the
// pods named by deletes (PodKey).
func (e *Expectations) Expect(key string, creates int, deletes []string) {
	x := &pending{adds: creates, dels: make(map[string]bool, len(deletes))}
	for _, k := range deletes {
		x.dels[k] = true
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	x.at = e.clk.Now()
	e.m[key] = x
}

// CreationObserved lowers key's pending creations by one; callers also use it for a creation
// that failed or was never attempted.
func (e *Expectations) CreationObserved(key string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if x, ok := e.m[key]; ok {
		x.adds--
	}
}

// DeletionObserved marks the pod podKey as gone for key; observing it twice is harmless.
func (e *Expectations) DeletionObserved(key, podKey string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if x, ok := e.m[key]; ok {
		delete(x.dels, podKey)
	}
}

// Forget drops key's expectations (the owner was deleted).
func (e *Expectations) Forget(key string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	delete(e.m, key)
}
