package proxy

import (
	"net/netip"
	"slices"
	"strings"

	v1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
)

// NodeInfo is what Compute needs to know about the node it computes rules for.
type NodeInfo struct {
	// Name selects the local endpoints of traffic policy Local (endpoint.nodeName).
	Name string
	// ClusterCIDR is copied to Ruleset.ClusterCIDR.
	ClusterCIDR string
}

// Compute returns the rules that implement services with the endpoints listed in slices, as
// seen from node. It is pure: the arguments are read, never modified. Services without a
// cluster IP (headless) and ExternalName services get no rules; only IPv4 is handled.
func Compute(services []*v1.Service, endpointSlices []*discoveryv1.EndpointSlice, node NodeInfo) Ruleset {
	bySvc := map[string][]*discoveryv1.EndpointSlice{}
	for _, s := range endpointSlices {
		name := s.Labels[discoveryv1.LabelServiceName]
		if name == "" || s.AddressType != discoveryv1.AddressTypeIPv4 {
			continue
		}
		key := s.Namespace + "/" + name
		bySvc[key] = append(bySvc[key], s)
	}
	rs := Ruleset{ClusterCIDR: node.ClusterCIDR}
	for _, svc := range services {
		ip := clusterIPv4(svc)
		if !ip.IsValid() {
			continue
		}
		for _, sp := range svc.Spec.Ports {
			eps := endpointsFor(bySvc[svc.Namespace+"/"+svc.Name], sp)
			rs.Services = append(rs.Services, servicePort(svc, sp, ip.String(), eps, node.Name))
		}
	}
	slices.SortFunc(rs.Services, func(a, b ServicePort) int { return strings.Compare(a.ID, b.ID) })
	return rs
}

// clusterIPv4 is the service's IPv4 cluster IP; invalid when it has none or gets no rules.
func clusterIPv4(svc *v1.Service) netip.Addr {
	if svc.Spec.Type == v1.ServiceTypeExternalName {
		return netip.Addr{}
	}
	ips := svc.Spec.ClusterIPs
	if len(ips) == 0 {
		ips = []string{svc.Spec.ClusterIP}
	}
	for _, s := range ips {
		if a, err := netip.ParseAddr(s); err == nil && a.Is4() {
			return a
		}
	}
	return netip.Addr{} // "", "None" (headless) or IPv6 only
}

func servicePort(svc *v1.Service, sp v1.ServicePort, ip string, eps []candidate, node string) ServicePort {
	proto := protocolOf(sp.Protocol)
	out := ServicePort{
		ID:        hashID(svc.Namespace, svc.Name, sp.Name, proto)[:12],
		Name:      svc.Namespace + "/" + svc.Name + ":" + sp.Name,
		Protocol:  proto,
		ClusterIP: ip,
		Port:      sp.Port,
	}
	for _, e := range svc.Spec.ExternalIPs {
		if a, err := netip.ParseAddr(e); err == nil && a.Is4() {
			out.ExternalIPs = append(out.ExternalIPs, a.String())
		}
	}
	if svc.Spec.Type == v1.ServiceTypeNodePort || svc.Spec.Type == v1.ServiceTypeLoadBalancer {
		out.NodePort = sp.NodePort
	}
	if svc.Spec.SessionAffinity == v1.ServiceAffinityClientIP {
		out.AffinitySeconds = v1.DefaultClientIPServiceAffinitySeconds
		if c := svc.Spec.SessionAffinityConfig; c != nil && c.ClientIP != nil && c.ClientIP.TimeoutSeconds != nil {
			out.AffinitySeconds = *c.ClientIP.TimeoutSeconds
		}
	}
	all := usable(eps)
	out.Internal = all
	if p := svc.Spec.InternalTrafficPolicy; p != nil && *p == v1.ServiceInternalTrafficPolicyLocal {
		out.Internal = usable(localOnly(eps, node))
	}
	if out.HasExternal() {
		out.External = all
		if svc.Spec.ExternalTrafficPolicy == v1.ServiceExternalTrafficPolicyLocal {
			out.ExternalLocal = true
			out.External = usable(localOnly(eps, node))
		}
	}
	out.Reject = len(all) == 0
	return out
}

// candidate is an endpoint with its conditions, before selection.
type candidate struct {
	Endpoint
	node                        string
	key                         string // Endpoint.String(), the sort key
	ready, serving, terminating bool
}

// usable selects who serves new connections: the ready endpoints; when none is ready, the
// serving and terminating ones (so a rollout that has only terminating pods left still
// answers). Terminating endpoints never receive new connections while a ready one exists.
func usable(eps []candidate) []Endpoint {
	var ready, draining []Endpoint
	for _, e := range eps {
		switch {
		case e.ready:
			ready = append(ready, e.Endpoint)
		case e.serving && e.terminating:
			draining = append(draining, e.Endpoint)
		}
	}
	if len(ready) > 0 {
		return ready
	}
	return draining
}

func localOnly(eps []candidate, node string) []candidate {
	var out []candidate
	for _, e := range eps {
		if e.node == node {
			out = append(out, e)
		}
	}
	return out
}

// endpointsFor lists the endpoints of service port sp in the service's slices (the slice
// port with sp's name and protocol), sorted and without duplicates.
func endpointsFor(svcSlices []*discoveryv1.EndpointSlice, sp v1.ServicePort) []candidate {
	n := 0
	for _, s := range svcSlices {
		n += len(s.Endpoints)
	}
	seen := make(map[Endpoint]bool, n)
	out := make([]candidate, 0, n)
	for _, s := range svcSlices {
		port, ok := slicePort(s, sp)
		if !ok {
			continue
		}
		for _, e := range s.Endpoints {
			if len(e.Addresses) == 0 {
				continue
			}
			c := candidate{Endpoint: Endpoint{IP: e.Addresses[0], Port: port}}
			if seen[c.Endpoint] {
				continue
			}
			seen[c.Endpoint] = true
			c.key = c.String()
			c.ready = e.Conditions.Ready == nil || *e.Conditions.Ready
			c.serving = c.ready
			if e.Conditions.Serving != nil {
				c.serving = *e.Conditions.Serving
			}
			c.terminating = e.Conditions.Terminating != nil && *e.Conditions.Terminating
			if e.NodeName != nil {
				c.node = *e.NodeName
			}
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b candidate) int { return strings.Compare(a.key, b.key) })
	return out
}

// slicePort finds sp's port number in slice s: ports match by name and protocol.
func slicePort(s *discoveryv1.EndpointSlice, sp v1.ServicePort) (int32, bool) {
	for _, p := range s.Ports {
		name, proto := "", v1.ProtocolTCP
		if p.Name != nil {
			name = *p.Name
		}
		if p.Protocol != nil {
			proto = *p.Protocol
		}
		if name == sp.Name && proto == protocolOrTCP(sp.Protocol) && p.Port != nil {
			return *p.Port, true
		}
	}
	return 0, false
}

func protocolOrTCP(p v1.Protocol) v1.Protocol {
	if p == "" {
		return v1.ProtocolTCP
	}
	return p
}

func protocolOf(p v1.Protocol) string { return strings.ToLower(string(protocolOrTCP(p))) }
