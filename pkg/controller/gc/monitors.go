package gc

import (
	"errors"
	"slices"
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/metadata/metadatainformer"
	"k8s.io/client-go/tools/cache"
)

const (
	byUID   = "gc-uid"
	byOwner = "gc-owner-uid"
)

// ignored lists resources the collector never watches (as upstream: events are numerous and
// never own anything).
var ignored = []schema.GroupResource{{Group: "", Resource: "events"}, {Group: "events.k8s.io", Resource: "events"}}

// monitors holds one metadata informer per watched resource, indexed by uid and owner uid.
type monitors struct {
	f  metadatainformer.SharedInformerFactory
	mu sync.Mutex
	// by resource; only grows.
	infs map[schema.GroupVersionResource]cache.SharedIndexInformer
}

func newMonitors(f metadatainformer.SharedInformerFactory) *monitors {
	return &monitors{f: f, infs: map[schema.GroupVersionResource]cache.SharedIndexInformer{}}
}

// gcResources returns the preferred version of every resource that supports list, watch and
// delete. A partial discovery failure still returns what was discovered, with the error.
func gcResources(d discovery.DiscoveryInterface) ([]schema.GroupVersionResource, error) {
	lists, err := d.ServerPreferredResources()
	if err != nil && !discovery.IsGroupDiscoveryFailedError(err) {
		return nil, err
	}
	var out []schema.GroupVersionResource
	for _, l := range lists {
		gv, perr := schema.ParseGroupVersion(l.GroupVersion)
		if perr != nil {
			return nil, errors.Join(err, perr)
		}
		for _, r := range l.APIResources {
			if gcable(r) && !slices.Contains(ignored, gv.WithResource(r.Name).GroupResource()) {
				out = append(out, gv.WithResource(r.Name))
			}
		}
	}
	return out, err
}

func gcable(r metav1.APIResource) bool {
	v := r.Verbs
	return slices.Contains(v, "list") && slices.Contains(v, "watch") && slices.Contains(v, "delete") && !strings.Contains(r.Name, "/")
}

// ensure adds informers for gvrs not yet watched, each with the indexes and handler h, and
// returns how many were added. The caller starts them with f.Start.
func (m *monitors) ensure(gvrs []schema.GroupVersionResource, h func(schema.GroupVersionResource) cache.ResourceEventHandler) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	added := 0
	for _, gvr := range gvrs {
		if _, ok := m.infs[gvr]; ok {
			continue
		}
		inf := m.f.ForResource(gvr).Informer()
		if err := inf.AddIndexers(cache.Indexers{byUID: uidIndex, byOwner: ownerIndex}); err != nil {
			return added, err
		}
		if _, err := inf.AddEventHandler(h(gvr)); err != nil {
			return added, err
		}
		m.infs[gvr] = inf
		added++
	}
	return added, nil
}

func uidIndex(obj any) ([]string, error) {
	o, err := meta.Accessor(obj)
	if err != nil {
		return nil, err
	}
	return []string{string(o.GetUID())}, nil
}

func ownerIndex(obj any) ([]string, error) {
	o, err := meta.Accessor(obj)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, r := range o.GetOwnerReferences() {
		out = append(out, string(r.UID))
	}
	return out, nil
}

// located is a cached object and the resource it belongs to.
type located struct {
	gvr schema.GroupVersionResource
	obj metav1.Object
}

// byIndex returns the cached objects whose index value is v, across every resource.
func (m *monitors) byIndex(index string, v types.UID) []located {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []located
	for gvr, inf := range m.infs {
		objs, _ := inf.GetIndexer().ByIndex(index, string(v))
		for _, obj := range objs {
			if o, err := meta.Accessor(obj); err == nil {
				out = append(out, located{gvr: gvr, obj: o})
			}
		}
	}
	return out
}

// lookup returns the cached object with uid, if any.
func (m *monitors) lookup(uid types.UID) (located, bool) {
	l := m.byIndex(byUID, uid)
	if len(l) == 0 {
		return located{}, false
	}
	return l[0], true
}

// dependents returns the cached objects with an ownerReference to uid.
func (m *monitors) dependents(uid types.UID) []located {
	return m.byIndex(byOwner, uid)
}

// get returns the cached object for key.
func (m *monitors) get(k objKey) (metav1.Object, bool) {
	m.mu.Lock()
	inf, ok := m.infs[k.gvr]
	m.mu.Unlock()
	if !ok {
		return nil, false
	}
	obj, exists, err := inf.GetStore().GetByKey(k.cacheKey())
	if err != nil || !exists {
		return nil, false
	}
	o, err := meta.Accessor(obj)
	return o, err == nil
}

// synced reports whether every informer has synced.
func (m *monitors) synced() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, inf := range m.infs {
		if !inf.HasSynced() {
			return false
		}
	}
	return true
}
