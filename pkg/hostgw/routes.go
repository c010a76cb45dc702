package hostgw

import (
	"net/netip"
	"slices"

	corev1 "k8s.io/api/core/v1"
)

// Proto is the routing protocol number ("proto 77" in `ip route`) that marks the routes this
// package owns.
const Proto = 77

// Route is `Dst via Via`.
type Route struct {
	Dst netip.Prefix
	Via netip.Addr
}

func (r Route) String() string { return r.Dst.String() + " via " + r.Via.String() }

// Desired returns the routes node self needs: for every other Node, each of its pod CIDRs via
// its first InternalIP of the same family. Nodes without pod CIDRs or InternalIP are skipped,
// and so are CIDRs that contain self's own pod CIDRs' addresses (two nodes given one subnet).
// The result is sorted by destination.
func Desired(self string, nodes []*corev1.Node) []Route {
	var own []netip.Prefix
	for _, n := range nodes {
		if n.Name == self {
			own = podCIDRs(n)
		}
	}
	var out []Route
	for _, n := range nodes {
		if n.Name == self {
			continue
		}
		for _, cidr := range podCIDRs(n) {
			via, ok := internalIP(n, cidr.Addr().Is4())
			if ok && !slices.ContainsFunc(own, cidr.Overlaps) {
				out = append(out, Route{Dst: cidr, Via: via})
			}
		}
	}
	slices.SortFunc(out, func(a, b Route) int { return a.Dst.Addr().Compare(b.Dst.Addr()) })
	return out
}

// podCIDRs returns a Node's valid pod CIDRs (spec.podCIDRs, else spec.podCIDR), masked.
func podCIDRs(n *corev1.Node) []netip.Prefix {
	raw := n.Spec.PodCIDRs
	if len(raw) == 0 && n.Spec.PodCIDR != "" {
		raw = []string{n.Spec.PodCIDR}
	}
	var out []netip.Prefix
	for _, s := range raw {
		if p, err := netip.ParsePrefix(s); err == nil {
			out = append(out, p.Masked())
		}
	}
	return out
}

func internalIP(n *corev1.Node, v4 bool) (netip.Addr, bool) {
	for _, a := range n.Status.Addresses {
		if a.Type != corev1.NodeInternalIP {
			continue
		}
		if ip, err := netip.ParseAddr(a.Address); err == nil && ip.Is4() == v4 {
			return ip, true
		}
	}
	return netip.Addr{}, false
}

// Plan compares the routes present (ours only) with the desired ones: set lists the routes to
// add or replace (missing, or through another gateway), del those to delete (no longer wanted).
func Plan(current, desired []Route) (set, del []Route) {
	have := map[netip.Prefix]netip.Addr{}
	for _, r := range current {
		have[r.Dst] = r.Via
	}
	want := map[netip.Prefix]bool{}
	for _, r := range desired {
		want[r.Dst] = true
		if via, ok := have[r.Dst]; !ok || via != r.Via {
			set = append(set, r)
		}
	}
	for _, r := range current {
		if !want[r.Dst] {
			del = append(del, r)
		}
	}
	return set, del
}
