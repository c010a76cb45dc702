package proxy

import (
	"fmt"
	"strconv"
	"strings"
)

// masqMark is the packet mark bit meaning "masquerade on the way out".
const masqMark = "0x4000"

// nftState is a Ruleset rendered for nftables: the content of our table's non-base chains,
// affinity sets and dispatch maps. Two states are diffed to build an incremental transaction.
type nftState struct {
	// chains maps a regular chain to its rules (base chains are static, see nftBaseChains).
	chains map[string][]string
	// sets maps an affinity set to its timeout in seconds.
	sets map[string]int32
	// maps maps a dispatch map name to its elements, "key . parts" -> verdict.
	maps map[string]map[string]string
}

// The dispatch maps: cluster and external IPs, node ports, and their no-endpoint variants.
const (
	mapServiceIPs      = "service-ips"
	mapServiceNodePort = "service-nodeports"
	mapRejectIPs       = "no-endpoint-services"
	mapRejectNodePorts = "no-endpoint-nodeports"
	// setHairpin holds "ip . ip" for every endpoint: a DNATed packet whose source is its
	// destination is hairpin traffic and is masqueraded (one set instead of a chain per
	// endpoint keeps syncs at scale cheap).
	setHairpin = "hairpin"
)

var nftMapTypes = map[string]string{
	mapServiceIPs:      "ipv4_addr . inet_proto . inet_service : verdict",
	mapServiceNodePort: "inet_proto . inet_service : verdict",
	mapRejectIPs:       "ipv4_addr . inet_proto . inet_service : verdict",
	mapRejectNodePorts: "inet_proto . inet_service : verdict",
	setHairpin:         "ipv4_addr . ipv4_addr",
}

// isNFTSet tells the sets of nftMapTypes (no verdict) from the maps.
func isNFTSet(name string) bool { return !strings.Contains(nftMapTypes[name], ":") }

// nftStaticChains are the regular chains every state has.
func nftStaticChains() map[string][]string {
	return map[string][]string{
		"services": {
			"ip daddr . meta l4proto . th dport vmap @" + mapServiceIPs,
			"fib daddr type local meta l4proto . th dport vmap @" + mapServiceNodePort,
		},
		"mark-for-masquerade": {"meta mark set meta mark | " + masqMark},
		"masquerading": {
			"ct status dnat ip saddr . ip daddr @" + setHairpin + " jump mark-for-masquerade",
			"meta mark & " + masqMark + " == 0 return",
			"meta mark set meta mark ^ " + masqMark,
			"masquerade fully-random",
		},
		"reject-check": {
			"ip daddr . meta l4proto . th dport vmap @" + mapRejectIPs,
			"fib daddr type local meta l4proto . th dport vmap @" + mapRejectNodePorts,
		},
		"reject-chain": {"meta l4proto tcp reject with tcp reset", "reject"},
	}
}

// nftBaseChain is a chain hooked into the kernel, with its (static) rules.
type nftBaseChain struct {
	name, typ, hook, priority string
	rules                     []string
}

// nftBaseChains hook our chains in. Masquerading runs before the default srcnat priority so
// that it wins over the CNI bridge's ipMasq rule (which would leave hairpin traffic alone).
// Loopback destinations reached from elsewhere without DNAT are dropped (route_localnet is on
// for loopback node ports).
func nftBaseChains() []nftBaseChain {
	return []nftBaseChain{
		{"nat-prerouting", "nat", "prerouting", "dstnat", []string{"jump services"}},
		{"nat-output", "nat", "output", "dstnat", []string{"jump services"}},
		{"nat-postrouting", "nat", "postrouting", "srcnat - 10", []string{"jump masquerading"}},
		{"filter-input", "filter", "input", "filter - 10", []string{
			"ip daddr 127.0.0.0/8 ip saddr != 127.0.0.0/8 ct state new ct status & dnat == 0 drop",
			"ct state new jump reject-check"}},
		{"filter-forward", "filter", "forward", "filter - 10", []string{"ct state new jump reject-check"}},
		{"filter-output", "filter", "output", "filter - 10", []string{"ct state new jump reject-check"}},
	}
}

// renderNFT turns rs into table content. It is pure.
func renderNFT(rs Ruleset) nftState {
	st := nftState{chains: nftStaticChains(), sets: map[string]int32{}, maps: map[string]map[string]string{}}
	for name := range nftMapTypes {
		st.maps[name] = map[string]string{}
	}
	for i := range rs.Services {
		renderNFTService(&st, &rs.Services[i], rs.ClusterCIDR)
	}
	return st
}

func renderNFTService(st *nftState, s *ServicePort, clusterCIDR string) {
	svc, ext := "svc-"+s.ID, "ext-"+s.ID
	key := func(ip string, port int32) string { return fmt.Sprintf("%s . %s . %d", ip, s.Protocol, port) }
	if s.Reject {
		st.maps[mapRejectIPs][key(s.ClusterIP, s.Port)] = "goto reject-chain"
		for _, ip := range s.ExternalIPs {
			st.maps[mapRejectIPs][key(ip, s.Port)] = "goto reject-chain"
		}
		if s.NodePort != 0 {
			st.maps[mapRejectNodePorts][fmt.Sprintf("%s . %d", s.Protocol, s.NodePort)] = "goto reject-chain"
		}
		return
	}
	for _, e := range s.Endpoints() {
		st.maps[setHairpin][e.IP+" . "+e.IP] = ""
		if s.AffinitySeconds > 0 { // a chain per endpoint, to remember the client
			id := s.EndpointID(e)
			st.sets["aff-"+id] = s.AffinitySeconds
			st.chains["ep-"+id] = []string{"update @aff-" + id + " { ip saddr }", fmt.Sprintf("meta l4proto %s dnat to %s", s.Protocol, e)}
		}
	}
	// The node's own connections keep their source: replies come back to a local address
	// anyway, and masquerading them makes new connections reuse SNAT ports of connections the
	// pod still holds in TIME_WAIT, which stalls about one in 1,500 new connections for a
	// 1 s SYN retransmit (measured by BenchmarkServiceVIP).
	masq := "fib saddr type != local jump mark-for-masquerade"
	if clusterCIDR != "" {
		masq = "ip saddr != " + clusterCIDR + " " + masq
	}
	st.chains[svc] = append([]string{masq}, nftDispatch(s, s.Internal)...)
	st.maps[mapServiceIPs][key(s.ClusterIP, s.Port)] = "goto " + svc
	if !s.HasExternal() {
		return
	}
	var rules []string
	if s.ExternalLocal {
		if clusterCIDR != "" {
			rules = append(rules, "ip saddr "+clusterCIDR+" goto "+svc)
		}
		rules = append(rules, "fib saddr type local jump mark-for-masquerade", "fib saddr type local goto "+svc)
	} else {
		rules = append(rules, "jump mark-for-masquerade")
	}
	st.chains[ext] = append(rules, nftDispatch(s, s.External)...)
	for _, ip := range s.ExternalIPs {
		st.maps[mapServiceIPs][key(ip, s.Port)] = "goto " + ext
	}
	if s.NodePort != 0 {
		st.maps[mapServiceNodePort][fmt.Sprintf("%s . %d", s.Protocol, s.NodePort)] = "goto " + ext
	}
}

// nftDispatch picks one of eps: the client's previous endpoint under affinity (through the
// endpoint chains), else a random one (DNAT straight from a map); no endpoint (traffic
// policy Local with none on this node) drops.
func nftDispatch(s *ServicePort, eps []Endpoint) []string {
	if len(eps) == 0 {
		return []string{"drop"}
	}
	if s.AffinitySeconds == 0 {
		if len(eps) == 1 {
			return []string{fmt.Sprintf("meta l4proto %s dnat to %s", s.Protocol, eps[0])}
		}
		arms := make([]string, len(eps))
		for i, e := range eps {
			arms[i] = strconv.Itoa(i) + " : " + e.IP + " . " + strconv.Itoa(int(e.Port))
		}
		return []string{fmt.Sprintf("meta l4proto %s dnat ip addr . port to numgen random mod %d map { %s }", s.Protocol, len(eps), strings.Join(arms, " , "))}
	}
	var rules []string
	for _, e := range eps {
		id := s.EndpointID(e)
		rules = append(rules, "ip saddr @aff-"+id+" goto ep-"+id)
	}
	if len(eps) == 1 {
		return append(rules, "goto ep-"+s.EndpointID(eps[0]))
	}
	arms := make([]string, len(eps))
	for i, e := range eps {
		arms[i] = fmt.Sprintf("%d : goto ep-%s", i, s.EndpointID(e))
	}
	return append(rules, fmt.Sprintf("numgen random mod %d vmap { %s }", len(eps), strings.Join(arms, " , ")))
}
