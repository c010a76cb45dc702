package hostgw

import (
	"errors"
	"fmt"
	"net"
	"net/netip"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// Applier reads and writes this package's routes in the main table through netlink.
type Applier struct {
	// Handle is the netlink handle (of a network namespace in tests); nil: the process's.
	Handle *netlink.Handle
}

func (a *Applier) handle() *netlink.Handle {
	if a.Handle == nil {
		return &netlink.Handle{}
	}
	return a.Handle
}

// Current lists the routes of the main table that carry Proto.
func (a *Applier) Current() ([]Route, error) {
	filter := &netlink.Route{Table: unix.RT_TABLE_MAIN, Protocol: Proto}
	rs, err := a.handle().RouteListFiltered(netlink.FAMILY_ALL, filter, netlink.RT_FILTER_TABLE|netlink.RT_FILTER_PROTOCOL)
	if err != nil {
		return nil, fmt.Errorf("list routes: %w", err)
	}
	var out []Route
	for _, r := range rs {
		if r.Dst == nil || r.Gw == nil {
			continue
		}
		dst, ok1 := prefixOf(r.Dst)
		via, ok2 := netip.AddrFromSlice(r.Gw)
		if ok1 && ok2 {
			out = append(out, Route{Dst: dst, Via: via.Unmap()})
		}
	}
	return out, nil
}

// Apply adds or replaces set and deletes del; it tries every route and returns the errors.
func (a *Applier) Apply(set, del []Route) error {
	var errs []error
	for _, r := range del {
		if err := a.handle().RouteDel(toNetlink(r)); err != nil && !errors.Is(err, unix.ESRCH) {
			errs = append(errs, fmt.Errorf("delete route %s: %w", r, err))
		}
	}
	for _, r := range set {
		if err := a.handle().RouteReplace(toNetlink(r)); err != nil {
			errs = append(errs, fmt.Errorf("set route %s: %w", r, err))
		}
	}
	return errors.Join(errs...)
}

func toNetlink(r Route) *netlink.Route {
	return &netlink.Route{
		Dst:      &net.IPNet{IP: r.Dst.Addr().AsSlice(), Mask: net.CIDRMask(r.Dst.Bits(), r.Dst.Addr().BitLen())},
		Gw:       r.Via.AsSlice(),
		Protocol: Proto,
		Table:    unix.RT_TABLE_MAIN,
	}
}

func prefixOf(n *net.IPNet) (netip.Prefix, bool) {
	addr, ok := netip.AddrFromSlice(n.IP)
	if !ok {
		return netip.Prefix{}, false
	}
	ones, _ := n.Mask.Size()
	return netip.PrefixFrom(addr.Unmap(), ones), true
}
