package nodeipam

import (
	"net/netip"

	corev1 "k8s.io/api/core/v1"

	"skiff/pkg/ipalloc"
)

// cidrSet records which subnet each Node holds. It is not safe for concurrent use.
type cidrSet struct {
	subnets *Subnets
	byIndex map[int]string
	byNode  map[string]int
}

func newCIDRSet(s *Subnets) *cidrSet {
	return &cidrSet{subnets: s, byIndex: map[int]string{}, byNode: map[string]int{}}
}

// observe records the subnet node reports in spec.podCIDR. It returns false when that CIDR is
// outside the cluster CIDR or already held by another node (the node keeps it; nothing else
// gets it).
func (s *cidrSet) observe(node *corev1.Node) bool {
	if node.Spec.PodCIDR == "" {
		return true
	}
	i, ok := s.subnets.Index(node.Spec.PodCIDR)
	if !ok {
		return false
	}
	if holder, held := s.byIndex[i]; held && holder != node.Name {
		return false
	}
	if old, had := s.byNode[node.Name]; had && old != i {
		delete(s.byIndex, old)
	}
	s.byIndex[i], s.byNode[node.Name] = node.Name, i
	return true
}

// forget frees the subnet of a deleted node.
func (s *cidrSet) forget(name string) {
	if i, ok := s.byNode[name]; ok {
		delete(s.byNode, name)
		if s.byIndex[i] == name {
			delete(s.byIndex, i)
		}
	}
}

// assign returns the subnet recorded for name, else records and returns the lowest free one;
// false when none is free.
func (s *cidrSet) assign(name string) (netip.Prefix, bool) {
	if i, ok := s.byNode[name]; ok {
		return s.subnets.Subnet(i), true
	}
	i, ok := ipalloc.NextFree(s.subnets.Count(), 0, 0, func(i int) bool { _, used := s.byIndex[i]; return used })
	if !ok {
		return netip.Prefix{}, false
	}
	s.byIndex[i], s.byNode[name] = name, i
	return s.subnets.Subnet(i), true
}
