package nodeipam

import (
	"fmt"
	"math/big"
	"net/netip"
)

// maxSubnets caps how many node subnets a (very large IPv6) cluster CIDR is split into.
const maxSubnets = 1 << 20

// Subnets is the cluster CIDR split into equal node subnets, numbered from 0.
type Subnets struct {
	cluster netip.Prefix
	mask    int
	count   int
}

// NewSubnets splits cluster into subnets of prefix length mask.
func NewSubnets(cluster string, mask int) (*Subnets, error) {
	p, err := netip.ParsePrefix(cluster)
	if err != nil {
		return nil, fmt.Errorf("cluster CIDR: %w", err)
	}
	p = p.Masked()
	if mask < p.Bits() || mask > p.Addr().BitLen() {
		return nil, fmt.Errorf("node CIDR mask size %d does not fit cluster CIDR %s", mask, p)
	}
	count := maxSubnets
	if mask-p.Bits() < 20 {
		count = 1 << (mask - p.Bits())
	}
	return &Subnets{cluster: p, mask: mask, count: count}, nil
}

// Count is the number of subnets.
func (s *Subnets) Count() int { return s.count }

// Subnet returns subnet i (0 <= i < Count()).
func (s *Subnets) Subnet(i int) netip.Prefix {
	base := new(big.Int).SetBytes(s.cluster.Addr().AsSlice())
	step := new(big.Int).Lsh(big.NewInt(int64(i)), uint(s.cluster.Addr().BitLen()-s.mask))
	buf := make([]byte, s.cluster.Addr().BitLen()/8)
	addr, _ := netip.AddrFromSlice(base.Add(base, step).FillBytes(buf))
	return netip.PrefixFrom(addr, s.mask)
}

// Index returns the number of subnet cidr, or false when cidr is not one of the subnets.
func (s *Subnets) Index(cidr string) (int, bool) {
	p, err := netip.ParsePrefix(cidr)
	if err != nil || p.Bits() != s.mask || p.Masked() != p || !s.cluster.Contains(p.Addr()) {
		return 0, false
	}
	off := new(big.Int).Sub(new(big.Int).SetBytes(p.Addr().AsSlice()), new(big.Int).SetBytes(s.cluster.Addr().AsSlice()))
	off.Rsh(off, uint(s.cluster.Addr().BitLen()-s.mask))
	if !off.IsInt64() || off.Int64() >= int64(s.count) {
		return 0, false
	}
	return int(off.Int64()), true
}
