package endpointslice

import (
	"cmp"
	"maps"
	"slices"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// plan is the writes of one sync: slices to create (named by the API server), to update
// (full objects carrying the resourceVersion they were read at) and to delete.
type plan struct {
	create, update, delete []*discoveryv1.EndpointSlice
}

// slot is one slice of the outcome: an existing or recycled slice (orig) or a new one
// (orig nil), holding the endpoints of group g (nil for the placeholder).
type slot struct {
	orig *discoveryv1.EndpointSlice
	g    *group
	eps  []discoveryv1.Endpoint
}

// decider holds the state of one decide call.
type decider struct {
	svc    *corev1.Service
	labels map[string]string
	refs   []metav1.OwnerReference
	max    int
	placed map[string]bool // pod names already in a slot
	kept   []*slot
	free   []*discoveryv1.EndpointSlice // slices to recycle or delete
	p      plan
}

// decide returns the writes that make existing, the managed slices labelled with svc's name,
// list want (groups for svc's endpoints) with at most max endpoints per slice, with as few
// writes as it can: a slice whose endpoints, ports, labels and owner are already right is not
// written; endpoints stay in the slice that lists them; new endpoints first fill slices being
// written anyway, then the fullest slices with room, then slices no longer needed (recycled
// in place), and only then new slices. A Service without endpoints keeps one empty
// placeholder slice, as upstream. Slices not controlled by svc (by uid) or not IPv4 are
// deleted. decide does not modify its arguments.
func decide(svc *corev1.Service, want []*group, existing []*discoveryv1.EndpointSlice, max int) plan {
	n := 0
	byKey := make(map[string]*group, len(want))
	for _, g := range want {
		byKey[g.key] = g
		n += len(g.eps)
	}
	d := &decider{svc: svc, labels: sliceLabels(svc), refs: ownerRefs(svc), max: max, placed: make(map[string]bool, n)}
	for _, s := range sortedByName(existing) {
		d.sort(s, byKey)
	}
	for _, g := range want {
		d.place(g)
	}
	if len(want) == 0 {
		d.placeholder()
	}
	for _, s := range d.kept {
		d.emit(s)
	}
	d.p.delete = append(d.p.delete, d.free...)
	return d.p
}

// sort files an existing slice as kept (with the endpoints it still should list), free, or
// to delete.
func (d *decider) sort(s *discoveryv1.EndpointSlice, byKey map[string]*group) {
	if !ownedBy(s, d.svc) || s.AddressType != discoveryv1.AddressTypeIPv4 {
		d.p.delete = append(d.p.delete, s)
		return
	}
	g := byKey[portKey(s.Ports)]
	if g == nil {
		d.free = append(d.free, s)
		return
	}
	eps := make([]discoveryv1.Endpoint, 0, min(len(s.Endpoints), d.max))
	for _, e := range s.Endpoints {
		if i, ok := d.wanted(g, e); ok && len(eps) < d.max {
			d.placed[g.eps[i].TargetRef.Name] = true
			eps = append(eps, g.eps[i])
		}
	}
	if len(eps) == 0 {
		d.free = append(d.free, s)
		return
	}
	d.kept = append(d.kept, &slot{orig: s, g: g, eps: eps})
}

// wanted returns the index in g of the desired version of existing endpoint e, unless e is
// not a pod g lists or that pod is already placed.
func (d *decider) wanted(g *group, e discoveryv1.Endpoint) (int, bool) {
	if e.TargetRef == nil || e.TargetRef.Kind != "Pod" || d.placed[e.TargetRef.Name] {
		return 0, false
	}
	i, ok := g.byName[e.TargetRef.Name]
	return i, ok
}

// place puts g's endpoints not yet in a slot into kept slots with room, then into recycled
// or new slots.
func (d *decider) place(g *group) {
	var rest []discoveryv1.Endpoint
	for _, e := range g.eps {
		if !d.placed[e.TargetRef.Name] {
			rest = append(rest, e)
		}
	}
	if len(rest) == 0 { // every endpoint kept its slice: the common sync
		return
	}
	for _, s := range d.fillOrder(g) {
		n := min(d.max-len(s.eps), len(rest))
		s.eps, rest = append(s.eps, rest[:n]...), rest[n:]
	}
	for len(rest) > 0 {
		n := min(d.max, len(rest))
		d.kept = append(d.kept, &slot{orig: d.recycle(), g: g, eps: slices.Clone(rest[:n])})
		rest = rest[n:]
	}
}

// fillOrder returns g's kept slots with room: those changing anyway first, then the fullest.
func (d *decider) fillOrder(g *group) []*slot {
	var changing, unchanged []*slot
	for _, s := range d.kept {
		switch {
		case s.g != g || len(s.eps) >= d.max:
		case d.changed(s):
			changing = append(changing, s)
		default:
			unchanged = append(unchanged, s)
		}
	}
	slices.SortStableFunc(unchanged, func(a, b *slot) int { return cmp.Compare(len(b.eps), len(a.eps)) })
	return append(changing, unchanged...)
}

// recycle pops a free slice to reuse, or returns nil for a new one.
func (d *decider) recycle() *discoveryv1.EndpointSlice {
	if len(d.free) == 0 {
		return nil
	}
	s := d.free[0]
	d.free = d.free[1:]
	return s
}

// placeholder keeps one empty slice: a free one, preferably already empty, or a new one.
func (d *decider) placeholder() {
	i := slices.IndexFunc(d.free, func(s *discoveryv1.EndpointSlice) bool { return len(s.Endpoints) == 0 && len(s.Ports) == 0 })
	if i > 0 {
		d.free[0], d.free[i] = d.free[i], d.free[0]
	}
	d.kept = append(d.kept, &slot{orig: d.recycle()})
}

// changed reports whether slot s differs from the slice it was read from.
func (d *decider) changed(s *slot) bool {
	o := s.orig
	return o == nil || !maps.Equal(o.Labels, d.labels) || !apiequality.Semantic.DeepEqual(o.OwnerReferences, d.refs) ||
		!apiequality.Semantic.DeepEqual(o.Ports, s.ports()) || !sameEndpoints(o.Endpoints, s.eps)
}

func (s *slot) ports() []discoveryv1.EndpointPort {
	if s.g == nil {
		return nil
	}
	return s.g.ports
}

// emit adds slot s to the plan as a create, an update, or nothing.
func (d *decider) emit(s *slot) {
	if !d.changed(s) {
		return
	}
	var out *discoveryv1.EndpointSlice
	if s.orig == nil {
		out = newSlice(d.svc)
		d.p.create = append(d.p.create, out)
	} else {
		out = &discoveryv1.EndpointSlice{TypeMeta: s.orig.TypeMeta, ObjectMeta: *s.orig.ObjectMeta.DeepCopy(), AddressType: s.orig.AddressType}
		out.Labels, out.OwnerReferences = maps.Clone(d.labels), slices.Clone(d.refs)
		d.p.update = append(d.p.update, out)
	}
	out.Ports, out.Endpoints = slices.Clone(s.ports()), s.eps
}

func sortedByName(ss []*discoveryv1.EndpointSlice) []*discoveryv1.EndpointSlice {
	return slices.SortedFunc(slices.Values(ss), func(a, b *discoveryv1.EndpointSlice) int { return cmp.Compare(a.Name, b.Name) })
}

func sortByKey(gs []*group) {
	slices.SortFunc(gs, func(a, b *group) int { return cmp.Compare(a.key, b.key) })
}
