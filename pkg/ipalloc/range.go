package ipalloc

import (
	"errors"
	"fmt"
	"math/big"
	"net/netip"
	"strconv"
	"strings"
)

// Range is a finite, ordered set of items named by strings: the usable IPs of a CIDR or the
// ports of a port range. Item and Index are inverse for 0 <= i < Size().
type Range interface {
	// Size is the number of items.
	Size() int
	// Item returns the i-th item.
	Item(i int) string
	// Index returns the position of item, or false when item is not in the range.
	Index(item string) (int, bool)
	// String describes the range in error messages ("10.43.0.0/16", "30000-32767").
	String() string
}

// IPRange is the usable addresses of an IPv4 or IPv6 prefix: every address but the network
// (first) and broadcast (last) ones. IPv6 ranges are capped at 2^20 items.
type IPRange struct {
	prefix netip.Prefix
	size   int
}

// maxIPItems caps the addressable part of very large (IPv6) prefixes.
const maxIPItems = 1 << 20

// ParseIPRange parses a CIDR such as "10.43.0.0/16". It must hold at least 2 usable addresses.
func ParseIPRange(cidr string) (*IPRange, error) {
	p, err := netip.ParsePrefix(cidr)
	if err != nil {
		return nil, fmt.Errorf("invalid CIDR %q: %w", cidr, err)
	}
	return NewIPRange(p)
}

// NewIPRange returns the range of p's usable addresses (p is masked first).
func NewIPRange(p netip.Prefix) (*IPRange, error) {
	p = p.Masked()
	host := p.Addr().BitLen() - p.Bits()
	if host < 2 {
		return nil, fmt.Errorf("CIDR %s is too small: it needs at least 2 usable addresses", p)
	}
	size := maxIPItems
	if host < 21 {
		size = 1<<host - 2
	}
	return &IPRange{prefix: p, size: size}, nil
}

// Prefix returns the range's CIDR.
func (r *IPRange) Prefix() netip.Prefix { return r.prefix }

func (r *IPRange) Size() int      { return r.size }
func (r *IPRange) String() string { return r.prefix.String() }

func (r *IPRange) Item(i int) string {
	b := new(big.Int).SetBytes(r.prefix.Addr().AsSlice())
	b.Add(b, big.NewInt(int64(i)+1))
	buf := make([]byte, r.prefix.Addr().BitLen()/8)
	addr, _ := netip.AddrFromSlice(b.FillBytes(buf))
	return addr.String()
}

func (r *IPRange) Index(item string) (int, bool) {
	a, err := netip.ParseAddr(item)
	if err != nil || !r.prefix.Contains(a) {
		return 0, false
	}
	d := new(big.Int).Sub(new(big.Int).SetBytes(a.AsSlice()), new(big.Int).SetBytes(r.prefix.Addr().AsSlice()))
	i := d.Int64() - 1
	if !d.IsInt64() || i < 0 || i >= int64(r.size) {
		return 0, false
	}
	return int(i), true
}

// PortRange is the ports Base..Base+Size-1.
type PortRange struct {
	Base, Count int
}

// ParsePortRange parses "30000-32767" (both ends included) or a single port.
func ParsePortRange(s string) (PortRange, error) {
	lo, hi, found := strings.Cut(strings.TrimSpace(s), "-")
	if !found {
		hi = lo
	}
	a, err1 := strconv.Atoi(strings.TrimSpace(lo))
	b, err2 := strconv.Atoi(strings.TrimSpace(hi))
	if err := errors.Join(err1, err2); err != nil || a < 1 || b > 65535 || a > b {
		return PortRange{}, fmt.Errorf("invalid port range %q: want MIN-MAX within 1-65535", s)
	}
	return PortRange{Base: a, Count: b - a + 1}, nil
}

func (r PortRange) Size() int         { return r.Count }
func (r PortRange) Item(i int) string { return strconv.Itoa(r.Base + i) }
func (r PortRange) String() string    { return fmt.Sprintf("%d-%d", r.Base, r.Base+r.Count-1) }

func (r PortRange) Index(item string) (int, bool) {
	p, err := strconv.Atoi(item)
	if err != nil || p < r.Base || p >= r.Base+r.Count {
		return 0, false
	}
	return p - r.Base, true
}

// Contains reports whether port is in the range.
func (r PortRange) Contains(port int) bool { return port >= r.Base && port < r.Base+r.Count }
