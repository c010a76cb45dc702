package proxy

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/knftables"
)

func renderRuleset() Ruleset {
	p1, p2 := Endpoint{"10.42.0.2", 8080}, Endpoint{"10.42.1.2", 8080}
	return Ruleset{ClusterCIDR: "10.42.0.0/16", Services: []ServicePort{
		{ID: "WEB", Name: "default/web:http", Protocol: "tcp", ClusterIP: "10.43.0.10", Port: 80, NodePort: 30080,
			ExternalIPs: []string{"192.168.1.50"}, Internal: []Endpoint{p1, p2}, External: []Endpoint{p1}, ExternalLocal: true},
		{ID: "STICKY", Name: "default/sticky:", Protocol: "udp", ClusterIP: "10.43.0.11", Port: 53, AffinitySeconds: 30, Internal: []Endpoint{p2}},
		{ID: "EMPTY", Name: "default/empty:", Protocol: "tcp", ClusterIP: "10.43.0.12", Port: 80, NodePort: 30082, Reject: true},
	}}
}

func TestRenderNFT(t *testing.T) {
	rs := renderRuleset()
	st := renderNFT(rs)
	e1 := rs.Services[0].EndpointID(Endpoint{"10.42.0.2", 8080})
	sticky := rs.Services[1].EndpointID(Endpoint{"10.42.1.2", 8080})
	want := map[string][]string{
		"svc-WEB": {"ip saddr != 10.42.0.0/16 fib saddr type != local jump mark-for-masquerade",
			"meta l4proto tcp dnat ip addr . port to numgen random mod 2 map { 0 : 10.42.0.2 . 8080 , 1 : 10.42.1.2 . 8080 }"},
		"ext-WEB": {"ip saddr 10.42.0.0/16 goto svc-WEB", "fib saddr type local jump mark-for-masquerade", "fib saddr type local goto svc-WEB",
			"meta l4proto tcp dnat to 10.42.0.2:8080"},
		"svc-STICKY":   {"ip saddr != 10.42.0.0/16 fib saddr type != local jump mark-for-masquerade", "ip saddr @aff-" + sticky + " goto ep-" + sticky, "goto ep-" + sticky},
		"ep-" + sticky: {"update @aff-" + sticky + " { ip saddr }", "meta l4proto udp dnat to 10.42.1.2:8080"},
	}
	if _, ok := st.chains["ep-"+e1]; ok {
		t.Error("no endpoint chains without affinity")
	}
	for chain, rules := range want {
		if diff := cmp.Diff(rules, st.chains[chain]); diff != "" {
			t.Errorf("chain %s -want +got:\n%s", chain, diff)
		}
	}
	if _, ok := st.chains["svc-EMPTY"]; ok {
		t.Error("a service without endpoints must have no chain")
	}
	wantMaps := map[string]map[string]string{
		mapServiceIPs:      {"10.43.0.10 . tcp . 80": "goto svc-WEB", "192.168.1.50 . tcp . 80": "goto ext-WEB", "10.43.0.11 . udp . 53": "goto svc-STICKY"},
		mapServiceNodePort: {"tcp . 30080": "goto ext-WEB"},
		mapRejectIPs:       {"10.43.0.12 . tcp . 80": "goto reject-chain"},
		mapRejectNodePorts: {"tcp . 30082": "goto reject-chain"},
		setHairpin:         {"10.42.0.2 . 10.42.0.2": "", "10.42.1.2 . 10.42.1.2": ""},
	}
	if diff := cmp.Diff(wantMaps, st.maps); diff != "" {
		t.Errorf("maps -want +got:\n%s", diff)
	}
	if diff := cmp.Diff(map[string]int32{"aff-" + sticky: 30}, st.sets); diff != "" {
		t.Errorf("sets -want +got:\n%s", diff)
	}
}

// TestNFTIncremental applies a full sync then incremental ones to the knftables fake and
// checks that the table equals a fresh full sync of the last Ruleset, with few operations.
func TestNFTIncremental(t *testing.T) {
	steps := []func(*Ruleset){
		func(rs *Ruleset) { rs.Services[0].Internal = rs.Services[0].Internal[:1] },                    // endpoint leaves
		func(rs *Ruleset) { rs.Services[2].Reject, rs.Services[2].Internal = false, eps("10.42.0.9") }, // reject -> served
		func(rs *Ruleset) { rs.Services = rs.Services[1:] },                                            // service deleted
		func(rs *Ruleset) { rs.Services[0].AffinitySeconds = 0 },                                       // affinity off
	}
	fake := knftables.NewFake(knftables.IPv4Family, TableName)
	b := &NFTables{nft: fake}
	rs := renderRuleset()
	if err := b.Apply(context.Background(), rs, false); err != nil {
		t.Fatal(err)
	}
	for i, step := range steps {
		rs.Services = append([]ServicePort(nil), rs.Services...)
		step(&rs)
		tx := fake.NewTransaction()
		buildNFTTransaction(tx, b.applied, renderNFT(rs), false)
		if n := tx.NumOperations(); n > 20 {
			t.Errorf("step %d: %d operations for a small change:\n%s", i, n, tx)
		}
		if err := b.Apply(context.Background(), rs, false); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		fresh := knftables.NewFake(knftables.IPv4Family, TableName)
		if err := (&NFTables{nft: fresh}).Apply(context.Background(), rs, true); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(normalDump(fresh), normalDump(fake)); diff != "" {
			t.Fatalf("step %d: incremental table differs from a full sync (-full +incremental):\n%s", i, diff)
		}
	}
}

// normalDump is the fake's table with map elements sorted (their order is insertion order).
func normalDump(f *knftables.Fake) []string {
	var lines, elems []string
	for _, l := range strings.Split(f.Dump(), "\n") {
		if strings.HasPrefix(l, "add element") {
			elems = append(elems, l)
		} else {
			lines = append(lines, l)
		}
	}
	slices.Sort(elems)
	return append(lines, elems...)
}

func TestRenderIPTables(t *testing.T) {
	rs := renderRuleset()
	text, chains := renderIPTables(rs, map[string]bool{"SKF-SVC-GONE": true})
	e1 := rs.Services[0].EndpointID(Endpoint{"10.42.0.2", 8080})
	for _, line := range []string{
		"-A SKIFF-SERVICES -d 10.43.0.10/32 -p tcp --dport 80 -m comment --comment \"default/web:http\" -j SKF-SVC-WEB",
		"-A SKF-SVC-WEB ! -s 10.42.0.0/16 -m addrtype ! --src-type LOCAL -j SKIFF-MARK-MASQ",
		"-A SKF-SVC-WEB -m statistic --mode random --probability 0.5000000000 -j SKF-SEP-" + e1,
		"-A SKF-SEP-" + e1 + " -s 10.42.0.2/32 -j SKIFF-MARK-MASQ",
		"-A SKF-SEP-" + e1 + " -p tcp -j DNAT --to-destination 10.42.0.2:8080",
		"-A SKF-EXT-WEB -s 10.42.0.0/16 -j SKF-SVC-WEB",
		"-A SKIFF-NODEPORTS -p tcp --dport 30080 -m comment --comment \"default/web:http\" -j SKF-EXT-WEB",
		"-A SKIFF-FIREWALL -d 10.43.0.12/32 -p tcp --dport 80 -m comment --comment \"default/empty:\" -j REJECT --reject-with tcp-reset",
		"-A SKIFF-FIREWALL -m addrtype --dst-type LOCAL -p tcp --dport 30082 -j REJECT --reject-with tcp-reset",
		"-m recent --name SKF-SEP-",
		"-X SKF-SVC-GONE",
	} {
		if !strings.Contains(text, line) {
			t.Errorf("missing %q in:\n%s", line, text)
		}
	}
	if chains["SKF-SVC-GONE"] || !chains["SKF-SVC-WEB"] || chains["SKF-SVC-EMPTY"] {
		t.Errorf("chains: %v", chains)
	}
}

func TestStaleUDPFlows(t *testing.T) {
	old := Ruleset{Services: []ServicePort{
		{ID: "A", Protocol: "udp", ClusterIP: "10.43.0.10", Port: 53, NodePort: 30053, Internal: eps("10.42.0.2", "10.42.0.3")},
		{ID: "B", Protocol: "udp", ClusterIP: "10.43.0.11", Port: 53, Reject: true},
		{ID: "C", Protocol: "tcp", ClusterIP: "10.43.0.12", Port: 80, Internal: eps("10.42.0.2")},
	}}
	cur := Ruleset{Services: []ServicePort{
		{ID: "A", Protocol: "udp", ClusterIP: "10.43.0.10", Port: 53, NodePort: 30053, Internal: eps("10.42.0.2")},
		{ID: "B", Protocol: "udp", ClusterIP: "10.43.0.11", Port: 53, Internal: eps("10.42.0.4")},
	}}
	want := []staleFlow{
		{Port: 53, ReplySrc: "10.42.0.3"}, {Port: 30053, ReplySrc: "10.42.0.3"},
		{OrigDst: "10.43.0.11", Port: 53},
	}
	if diff := cmp.Diff(want, staleUDPFlows(old, cur)); diff != "" {
		t.Errorf("-want +got:\n%s", diff)
	}
}
