package endpoints

import (
	"cmp"
	"maps"
	"slices"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/utils/ptr"

	"skiff/pkg/controller/podendpoint"
)

// MaxAddresses caps the addresses of one Endpoints object (as upstream).
const MaxAddresses = 1000

// Annotation and label values written on Endpoints (as upstream).
const (
	overCapacityAnnotation = "endpoints.kubernetes.io/over-capacity"
	truncated              = "truncated"
	headlessLabel          = "service.kubernetes.io/headless"
)

// subsets returns the subsets of eps: one per port list in key order, ready endpoints in
// Addresses and the others in NotReadyAddresses, each sorted by IP then pod name. At most
// max addresses are kept, ready ones first; cut reports whether any were left out.
func subsets(eps []podendpoint.Endpoint, max int) (out []corev1.EndpointSubset, cut bool) {
	eps, cut = truncate(eps, max)
	byKey := map[string]*corev1.EndpointSubset{}
	var keys []string
	for _, e := range eps {
		k := podendpoint.Key(e.Ports)
		ss := byKey[k]
		if ss == nil {
			ss = &corev1.EndpointSubset{Ports: ports(e.Ports)}
			byKey[k] = ss
			keys = append(keys, k)
		}
		if e.Ready {
			ss.Addresses = append(ss.Addresses, address(e))
		} else {
			ss.NotReadyAddresses = append(ss.NotReadyAddresses, address(e))
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		ss := byKey[k]
		sortAddresses(ss.Addresses)
		sortAddresses(ss.NotReadyAddresses)
		out = append(out, *ss)
	}
	return out, cut
}

// truncate keeps at most max of eps, ready ones first, in their order.
func truncate(eps []podendpoint.Endpoint, max int) ([]podendpoint.Endpoint, bool) {
	if len(eps) <= max {
		return eps, false
	}
	kept := make([]podendpoint.Endpoint, 0, max)
	for _, ready := range []bool{true, false} {
		for _, e := range eps {
			if e.Ready == ready && len(kept) < max {
				kept = append(kept, e)
			}
		}
	}
	return kept, true
}

func address(e podendpoint.Endpoint) corev1.EndpointAddress {
	p := e.Pod
	a := corev1.EndpointAddress{IP: e.IP, Hostname: e.Hostname,
		TargetRef: &corev1.ObjectReference{Kind: "Pod", Namespace: p.Namespace, Name: p.Name, UID: p.UID}}
	if p.Spec.NodeName != "" {
		a.NodeName = &p.Spec.NodeName
	}
	return a
}

func ports(ps []podendpoint.Port) []corev1.EndpointPort {
	var out []corev1.EndpointPort
	for _, p := range ps {
		ep := corev1.EndpointPort{Name: p.Name, Port: p.Port, Protocol: p.Protocol}
		if p.AppProtocol != "" {
			ep.AppProtocol = &p.AppProtocol
		}
		out = append(out, ep)
	}
	return out
}

func sortAddresses(as []corev1.EndpointAddress) {
	slices.SortFunc(as, func(a, b corev1.EndpointAddress) int {
		return cmp.Or(cmp.Compare(a.IP, b.IP), cmp.Compare(a.TargetRef.Name, b.TargetRef.Name))
	})
}

// labels are the labels of svc's Endpoints: the Service's own, plus the headless label for a
// Service without a cluster IP.
func labels(svc *corev1.Service) map[string]string {
	l := maps.Clone(svc.Labels)
	if l == nil {
		l = map[string]string{}
	}
	delete(l, headlessLabel)
	if svc.Spec.ClusterIP == corev1.ClusterIPNone {
		l[headlessLabel] = ""
	}
	return l
}

// sameSubsets reports whether a and b list equal subsets in the same order, comparing every
// field; it is a fast equivalent of apiequality.Semantic.DeepEqual, which cost a sync three
// times building the subsets at 1,000 endpoints.
func sameSubsets(a, b []corev1.EndpointSubset) bool {
	return slices.EqualFunc(a, b, func(x, y corev1.EndpointSubset) bool {
		return slices.EqualFunc(x.Addresses, y.Addresses, sameAddress) &&
			slices.EqualFunc(x.NotReadyAddresses, y.NotReadyAddresses, sameAddress) &&
			slices.EqualFunc(x.Ports, y.Ports, func(p, q corev1.EndpointPort) bool {
				return p.Name == q.Name && p.Port == q.Port && p.Protocol == q.Protocol && ptr.Equal(p.AppProtocol, q.AppProtocol)
			})
	})
}

func sameAddress(a, b corev1.EndpointAddress) bool {
	return a.IP == b.IP && a.Hostname == b.Hostname && ptr.Equal(a.NodeName, b.NodeName) && ptr.Equal(a.TargetRef, b.TargetRef)
}
