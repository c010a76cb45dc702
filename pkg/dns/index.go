package dns

import (
	"maps"
	"net/netip"
	"slices"
	"strings"
	"sync"

	v1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
)

// key names a Service (or the Service an EndpointSlice belongs to).
type key struct{ ns, name string }

// port is a named port of a Service or an EndpointSlice, names and protocols lower-cased.
type port struct {
	name, proto string
	number      uint16
}

// record is one ready endpoint address of a headless service, under its label: the
// endpoint's hostname, or its address with dashes (10-42-0-5).
type record struct {
	label string
	addr  netip.Addr
	ports []port
}

// service is what the index knows of one Service, with the records of its slices.
type service struct {
	ips          []netip.Addr
	headless     bool
	externalName string // fully qualified, lower case; set for ExternalName services
	ports        []port
	records      []record            // headless only: ready addresses, deduplicated
	byLabel      map[string][]record // headless only
}

// index holds what queries need, kept up to date by informer events; every lookup is a map
// read. It is safe for concurrent use.
type index struct {
	domain string // "cluster.local.", lower case

	mu         sync.RWMutex
	services   map[key]*service
	slices     map[key]map[string]*discoveryv1.EndpointSlice // service -> slice name -> slice
	sliceOwner map[key]key                                   // slice -> its service
	namespaces map[string]int                                // services per namespace
	ptrs       map[netip.Addr]map[string]int                 // address -> name -> references
	ptrOf      map[key][]ptrEntry                            // what each service added to ptrs
}

type ptrEntry struct {
	addr netip.Addr
	name string
}

func newIndex(domain string) *index {
	return &index{
		domain:     strings.ToLower(strings.TrimSuffix(domain, ".")) + ".",
		services:   map[key]*service{},
		slices:     map[key]map[string]*discoveryv1.EndpointSlice{},
		sliceOwner: map[key]key{},
		namespaces: map[string]int{},
		ptrs:       map[netip.Addr]map[string]int{},
		ptrOf:      map[key][]ptrEntry{},
	}
}

// setService records svc (added or updated).
func (ix *index) setService(svc *v1.Service) {
	k := key{svc.Namespace, svc.Name}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if _, ok := ix.services[k]; !ok {
		ix.namespaces[k.ns]++
	}
	ix.services[k] = serviceOf(svc)
	ix.rebuild(k)
}

// deleteService forgets the Service ns/name.
func (ix *index) deleteService(ns, name string) {
	k := key{ns, name}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if _, ok := ix.services[k]; !ok {
		return
	}
	delete(ix.services, k)
	if ix.namespaces[ns]--; ix.namespaces[ns] <= 0 {
		delete(ix.namespaces, ns)
	}
	ix.setPTRs(k, nil)
}

// setSlice records an EndpointSlice (added or updated); slices without the
// kubernetes.io/service-name label are ignored.
func (ix *index) setSlice(es *discoveryv1.EndpointSlice) {
	sk := key{es.Namespace, es.Name}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.removeSlice(sk)
	name := es.Labels[discoveryv1.LabelServiceName]
	if name == "" {
		return
	}
	k := key{es.Namespace, name}
	if ix.slices[k] == nil {
		ix.slices[k] = map[string]*discoveryv1.EndpointSlice{}
	}
	ix.slices[k][es.Name] = es
	ix.sliceOwner[sk] = k
	ix.rebuild(k)
}

// deleteSlice forgets the EndpointSlice ns/name.
func (ix *index) deleteSlice(ns, name string) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.removeSlice(key{ns, name})
}

// removeSlice drops a slice from its service's set and rebuilds that service.
func (ix *index) removeSlice(sk key) {
	k, ok := ix.sliceOwner[sk]
	if !ok {
		return
	}
	delete(ix.sliceOwner, sk)
	delete(ix.slices[k], sk.name)
	if len(ix.slices[k]) == 0 {
		delete(ix.slices, k)
	}
	ix.rebuild(k)
}

// rebuild recomputes the records and PTRs of service k from its slices: O(endpoints of k).
func (ix *index) rebuild(k key) {
	svc := ix.services[k]
	if svc == nil {
		return
	}
	svc.records, svc.byLabel = nil, nil
	name := k.name + "." + k.ns + ".svc." + ix.domain
	var ptrs []ptrEntry
	for _, ip := range svc.ips {
		ptrs = append(ptrs, ptrEntry{ip, name})
	}
	if svc.headless {
		svc.records = readyRecords(ix.slices[k])
		svc.byLabel = make(map[string][]record, len(svc.records))
		for _, r := range svc.records {
			svc.byLabel[r.label] = append(svc.byLabel[r.label], r)
			ptrs = append(ptrs, ptrEntry{r.addr, r.label + "." + name})
		}
	}
	ix.setPTRs(k, ptrs)
}

// setPTRs replaces the reverse entries service k contributes.
func (ix *index) setPTRs(k key, ptrs []ptrEntry) {
	for _, p := range ix.ptrOf[k] {
		if names := ix.ptrs[p.addr]; names != nil {
			if names[p.name]--; names[p.name] <= 0 {
				delete(names, p.name)
			}
			if len(names) == 0 {
				delete(ix.ptrs, p.addr)
			}
		}
	}
	for _, p := range ptrs {
		if ix.ptrs[p.addr] == nil {
			ix.ptrs[p.addr] = map[string]int{}
		}
		ix.ptrs[p.addr][p.name]++
	}
	if len(ptrs) == 0 {
		delete(ix.ptrOf, k)
		return
	}
	ix.ptrOf[k] = ptrs
}

// serviceOf extracts what DNS needs from svc.
func serviceOf(svc *v1.Service) *service {
	s := &service{}
	switch {
	case svc.Spec.Type == v1.ServiceTypeExternalName:
		s.externalName = strings.ToLower(strings.TrimSuffix(svc.Spec.ExternalName, ".")) + "."
		return s
	case svc.Spec.ClusterIP == v1.ClusterIPNone:
		s.headless = true
	}
	ips := svc.Spec.ClusterIPs
	if len(ips) == 0 && svc.Spec.ClusterIP != "" {
		ips = []string{svc.Spec.ClusterIP}
	}
	for _, ip := range ips {
		if a, err := netip.ParseAddr(ip); err == nil && !s.headless {
			s.ips = append(s.ips, a)
		}
	}
	for _, p := range svc.Spec.Ports {
		s.ports = append(s.ports, port{strings.ToLower(p.Name), strings.ToLower(string(p.Protocol)), uint16(p.Port)})
	}
	return s
}

// readyRecords lists the ready addresses of slices, each address once, slices in name order.
// An endpoint whose ready condition is unset counts as ready (the API's contract).
func readyRecords(byName map[string]*discoveryv1.EndpointSlice) []record {
	var out []record
	seen := map[netip.Addr]bool{}
	for _, name := range slices.Sorted(maps.Keys(byName)) {
		es := byName[name]
		ports := slicePorts(es)
		for _, ep := range es.Endpoints {
			if ep.Conditions.Ready != nil && !*ep.Conditions.Ready {
				continue
			}
			for _, s := range ep.Addresses {
				a, err := netip.ParseAddr(s)
				if err != nil || seen[a] {
					continue
				}
				seen[a] = true
				label := dashed(a)
				if ep.Hostname != nil && *ep.Hostname != "" {
					label = strings.ToLower(*ep.Hostname)
				}
				out = append(out, record{label: label, addr: a, ports: ports})
			}
		}
	}
	return out
}

func slicePorts(es *discoveryv1.EndpointSlice) []port {
	out := make([]port, 0, len(es.Ports))
	for _, p := range es.Ports {
		if p.Port == nil {
			continue
		}
		pt := port{proto: "tcp", number: uint16(*p.Port)}
		if p.Name != nil {
			pt.name = strings.ToLower(*p.Name)
		}
		if p.Protocol != nil {
			pt.proto = strings.ToLower(string(*p.Protocol))
		}
		out = append(out, pt)
	}
	return out
}

// dashed is the label of an address: 10.42.0.5 -> 10-42-0-5, fd00::1 -> fd00--1.
func dashed(a netip.Addr) string {
	if a.Is4() {
		return strings.ReplaceAll(a.String(), ".", "-")
	}
	return strings.ReplaceAll(a.String(), ":", "-")
}

// undashed parses a dashed label back into an address.
func undashed(label string) (netip.Addr, bool) {
	if a, err := netip.ParseAddr(strings.ReplaceAll(label, "-", ".")); err == nil && a.Is4() {
		return a, true
	}
	a, err := netip.ParseAddr(strings.ReplaceAll(label, "-", ":"))
	return a, err == nil && a.Is6()
}
