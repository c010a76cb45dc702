// Package dns is the cluster DNS: an authoritative server for the cluster domain (default
// cluster.local) that answers from Services and EndpointSlices kept in memory from client-go
// informers, and forwards every other name to the host's resolvers.
//
// Records served (TTL 5 s, SOA in the authority section of negative answers):
//
//	<svc>.<ns>.svc.<domain>                A/AAAA: the ClusterIPs; headless: ready endpoint IPs
//	                                       CNAME: ExternalName services (target chased)
//	                                       SRV: one per port (headless: per endpoint and port)
//	<ep>.<svc>.<ns>.svc.<domain>           A/AAAA of a headless service's endpoint, <ep> being
//	                                       the endpoint's hostname or its dashed IP (10-42-0-5)
//	_<port>._<proto>.<svc>.<ns>.svc.<dom>  SRV for a named port
//	<a-b-c-d>.<ns>.pod.<domain>            A (AAAA for dashed IPv6): the IP in the name, unchecked
//	<reversed ip>.in-addr.arpa / ip6.arpa  PTR of ClusterIPs and headless endpoint addresses;
//	                                       other reverse names are forwarded
//
// Other names in the cluster domain are NXDOMAIN; names that exist but hold no record of the
// asked type are NODATA. Lookups are map reads on an index that informer events keep up to date
// (index.go); answers are computed from it (answer.go); the rest is forwarded (forward.go).
package dns
