package endpointslice

import (
	"strconv"
	"sync"
	"time"

	discoveryv1 "k8s.io/api/discovery/v1"
	"k8s.io/utils/clock"
)

// trackerTTL bounds how long an unobserved write holds a Service's syncs back, in case a
// watch event was lost.
const trackerTTL = time.Minute

// tracker remembers, per Service key, the slice writes this controller made and its cache
// has not shown yet, so that a sync does not decide on a cache missing them (and, say,
// create a second slice for the same pods). It is safe for concurrent use.
type tracker struct {
	clk clock.PassiveClock
	mu  sync.Mutex
	m   map[string]map[string]write // service key -> slice name -> write
}

// write is one slice write: the resourceVersion it produced, or gone for a delete.
type write struct {
	rv   uint64
	gone bool
	at   time.Time
}

func newTracker(clk clock.PassiveClock) *tracker {
	return &tracker{clk: clk, m: map[string]map[string]write{}}
}

// wrote records that the controller stored s (created or updated) for Service key.
func (t *tracker) wrote(key string, s *discoveryv1.EndpointSlice) {
	t.record(key, s.Name, write{rv: version(s)})
}

// deleted records that the controller deleted the slice name of Service key.
func (t *tracker) deleted(key, name string) { t.record(key, name, write{gone: true}) }

func (t *tracker) record(key, name string, w write) {
	t.mu.Lock()
	defer t.mu.Unlock()
	w.at = t.clk.Now()
	if t.m[key] == nil {
		t.m[key] = map[string]write{}
	}
	t.m[key][name] = w
}

// fresh reports whether cached (the cache's slices for Service key) shows every write
// recorded for key, forgetting those it shows and those older than trackerTTL.
func (t *tracker) fresh(key string, cached []*discoveryv1.EndpointSlice) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	ws := t.m[key]
	if len(ws) == 0 {
		return true
	}
	seen := make(map[string]uint64, len(cached))
	for _, s := range cached {
		seen[s.Name] = version(s)
	}
	now := t.clk.Now()
	for name, w := range ws {
		rv, ok := seen[name]
		if (w.gone && !ok) || (!w.gone && ok && rv >= w.rv) || now.Sub(w.at) > trackerTTL {
			delete(ws, name)
		}
	}
	if len(ws) == 0 {
		delete(t.m, key)
	}
	return len(ws) == 0
}

// own reports whether s, as the cache shows it, is exactly a write this controller made.
func (t *tracker) own(key string, s *discoveryv1.EndpointSlice) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	w, ok := t.m[key][s.Name]
	return ok && !w.gone && w.rv == version(s)
}

// observeDeleted forgets a pending write to a slice the cache saw deleted (by anyone).
func (t *tracker) observeDeleted(key, name string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if ws := t.m[key]; ws != nil {
		delete(ws, name)
	}
}

// forget drops every pending write of Service key (the Service is gone).
func (t *tracker) forget(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.m, key)
}

// version is s's resourceVersion as a number. Skiff's resourceVersions are etcd revisions,
// which grow with every write; an unparsable one counts as newest.
func version(s *discoveryv1.EndpointSlice) uint64 {
	v, err := strconv.ParseUint(s.ResourceVersion, 10, 64)
	if err != nil {
		return ^uint64(0)
	}
	return v
}
