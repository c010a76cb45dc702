package proxy

import (
	"fmt"
	"net"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// staleFlow selects UDP conntrack entries that would keep sending datagrams where no rule
// sends them any more. Zero fields match anything.
type staleFlow struct {
	// OrigDst and Port match the original destination (a service VIP and port, or a node port).
	OrigDst string
	Port    int32
	// ReplySrc is the endpoint the entry was DNATed to.
	ReplySrc string
}

// staleUDPFlows compares two Rulesets: a UDP endpoint that left a service port leaves entries
// to flush (VIP or node port -> that endpoint), and a UDP port that had no endpoint and has
// one now leaves entries of rejected datagrams (VIP -> nothing) to flush. Pure.
func staleUDPFlows(old, cur Ruleset) []staleFlow {
	now := map[string]*ServicePort{}
	for i := range cur.Services {
		now[cur.Services[i].ID] = &cur.Services[i]
	}
	var out []staleFlow
	for i := range old.Services {
		o := &old.Services[i]
		if o.Protocol != "udp" {
			continue
		}
		n := now[o.ID]
		had := o.Endpoints()
		kept := map[Endpoint]bool{}
		if n != nil {
			for _, e := range n.Endpoints() {
				kept[e] = true
			}
			if len(had) == 0 && len(kept) > 0 {
				out = append(out, staleFlow{OrigDst: n.ClusterIP, Port: n.Port})
			}
		}
		for _, e := range had {
			if kept[e] {
				continue
			}
			out = append(out, staleFlow{Port: o.Port, ReplySrc: e.IP})
			if o.NodePort != 0 {
				out = append(out, staleFlow{Port: o.NodePort, ReplySrc: e.IP})
			}
		}
	}
	return out
}

// flushFlows deletes the UDP conntrack entries matching flows in the caller's network
// namespace (netlink; the conntrack tool is not needed).
func flushFlows(flows []staleFlow) error {
	if len(flows) == 0 {
		return nil
	}
	filters := make([]netlink.CustomConntrackFilter, 0, len(flows))
	for _, f := range flows {
		cf := &netlink.ConntrackFilter{}
		if err := cf.AddProtocol(unix.IPPROTO_UDP); err != nil {
			return err
		}
		if f.OrigDst != "" {
			cf.AddIP(netlink.ConntrackOrigDstIP, net.ParseIP(f.OrigDst))
		}
		if f.ReplySrc != "" {
			cf.AddIP(netlink.ConntrackReplySrcIP, net.ParseIP(f.ReplySrc))
		}
		if f.Port != 0 {
			if err := cf.AddPort(netlink.ConntrackOrigDstPort, uint16(f.Port)); err != nil {
				return err
			}
		}
		filters = append(filters, cf)
	}
	if _, err := netlink.ConntrackDeleteFilters(netlink.ConntrackTable, unix.AF_INET, filters...); err != nil {
		return fmt.Errorf("flush conntrack: %w", err)
	}
	return nil
}
