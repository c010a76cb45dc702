package proxy

import (
	"context"
	"errors"
	"net"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// backends lists the backends available on this machine (root tests).
func testBackends(t testing.TB) map[string]func() (Backend, error) {
	needRoot(t, "nft", "iptables-restore")
	return map[string]func() (Backend, error){
		"nftables": func() (Backend, error) { return NewNFTables() },
		"iptables": func() (Backend, error) { return NewIPTables() },
	}
}

func rootRuleset() Ruleset {
	p1, p2 := Endpoint{"10.42.0.2", 8080}, Endpoint{"10.42.0.3", 8080}
	return Ruleset{ClusterCIDR: "10.42.0.0/16", Services: []ServicePort{
		{ID: "web", Name: "default/web:", Protocol: "tcp", ClusterIP: "10.43.0.10", Port: 80, NodePort: 30080,
			ExternalIPs: []string{"192.168.77.50"}, Internal: []Endpoint{p1, p2}, External: []Endpoint{p1, p2}},
		{ID: "solo", Name: "default/solo:", Protocol: "tcp", ClusterIP: "10.43.0.11", Port: 80, Internal: []Endpoint{p1}},
		{ID: "empty", Name: "default/empty:", Protocol: "tcp", ClusterIP: "10.43.0.12", Port: 80, NodePort: 30082, Reject: true},
		{ID: "dns", Name: "default/dns:", Protocol: "udp", ClusterIP: "10.43.0.13", Port: 53, Internal: []Endpoint{p2}},
		{ID: "sticky", Name: "default/sticky:", Protocol: "tcp", ClusterIP: "10.43.0.14", Port: 80, AffinitySeconds: 60, Internal: []Endpoint{p1, p2}},
	}}
}

// TestBackendsInNetns programs both backends in a fresh network namespace and checks real
// connections: cluster IP from the node and from a pod, hairpin, NodePort on the node IP and
// 127.0.0.1, external IP, UDP, affinity, reject without endpoints, incremental updates.
func TestBackendsInNetns(t *testing.T) {
	for name, newBackend := range testBackends(t) {
		t.Run(name, func(t *testing.T) {
			n := newTestNet(t)
			n.addPod("p1", "10.42.0.2")
			n.addPod("p2", "10.42.0.3")
			var b Backend
			var err error
			n.do(func() { b, err = newBackend() })
			if err != nil {
				t.Fatal(err)
			}
			rs := rootRuleset()
			n.apply(b, rs, true)
			expectBoth(t, n, "", "10.43.0.10:80")
			expectLine(t, n, "p2", "10.43.0.11:80", "p1 10.42.0.3") // pod to pod: source kept
			expectLine(t, n, "p1", "10.43.0.11:80", "p1 10.42.0.1") // hairpin: masqueraded
			expectPrefix(t, n, "", testNodeIP+":30080", "p")        // NodePort on the node IP
			expectPrefix(t, n, "", "127.0.0.1:30080", "p")          // NodePort on loopback
			expectPrefix(t, n, "p2", "10.42.0.1:30080", "p")        // NodePort from a pod
			expectPrefix(t, n, "p2", "192.168.77.50:80", "p")       // external IP
			if got, err := n.getUDP("p1", "10.43.0.13:53"); err != nil || got != "p2" {
				t.Errorf("udp: %q, %v", got, err)
			}
			first, _ := n.get("", "10.43.0.14:80")
			for range 8 {
				if got, _ := n.get("", "10.43.0.14:80"); got != first {
					t.Fatalf("affinity: %q then %q", first, got)
				}
			}
			if _, err := n.get("p1", "10.43.0.12:80"); !errors.Is(err, syscall.ECONNREFUSED) {
				t.Errorf("no endpoints: want connection refused, got %v", err)
			}
			// UDP: an endpoint that leaves has its conntrack entries flushed.
			var udp net.Conn
			n.doIn(n.pods["p1"], func() { udp, err = net.Dial("udp", "10.43.0.13:53") })
			if err != nil {
				t.Fatal(err)
			}
			defer udp.Close()
			if got := askUDP(udp); got != "p2" {
				t.Fatalf("udp before: %q", got)
			}
			old := rs
			rs.Services = slices.Clone(rs.Services)
			rs.Services[3].Internal = []Endpoint{{"10.42.0.2", 8080}}
			n.apply(b, rs, false)
			n.do(func() { err = flushFlows(staleUDPFlows(old, rs)) })
			if err != nil {
				t.Fatal(err)
			}
			if got := askUDP(udp); got != "p1" {
				t.Errorf("udp after its endpoint left: %q, want p1 (stale conntrack entry)", got)
			}
			// Incremental: web loses p2, empty gains p1.
			rs.Services[0].Internal, rs.Services[0].External = rs.Services[0].Internal[:1], rs.Services[0].External[:1]
			rs.Services[2].Reject, rs.Services[2].Internal, rs.Services[2].External = false, []Endpoint{{"10.42.0.3", 8080}}, []Endpoint{{"10.42.0.3", 8080}}
			n.apply(b, rs, false)
			for range 6 {
				expectPrefix(t, n, "", "10.43.0.10:80", "p1 ")
			}
			expectPrefix(t, n, "p1", "10.43.0.12:80", "p2 ")
			n.apply(b, rs, true) // a full re-sync keeps working
			expectPrefix(t, n, "", "10.43.0.10:80", "p1 ")
			n.do(func() { err = b.Cleanup(context.Background()) })
			if err != nil {
				t.Fatal(err)
			}
			if _, err := n.get("p2", "10.43.0.11:80"); err == nil {
				t.Error("rules still answer after Cleanup")
			}
			var left bool
			n.do(func() {
				left = hasIPTChains(context.Background()) || exec.Command("nft", "list", "table", "ip", TableName).Run() == nil
			})
			if left {
				t.Error("chains or table left after Cleanup")
			}
		})
	}
}

func askUDP(c net.Conn) string {
	c.SetDeadline(time.Now().Add(time.Second))
	c.Write([]byte("x"))
	buf := make([]byte, 100)
	k, _ := c.Read(buf)
	return strings.TrimSpace(string(buf[:k]))
}

func expectBoth(t *testing.T, n *testNet, from, addr string) {
	t.Helper()
	seen := map[string]bool{}
	for range 30 {
		got, err := n.get(from, addr)
		if err != nil {
			t.Fatalf("%s: %v", addr, err)
		}
		seen[strings.Fields(got)[0]] = true
	}
	if !seen["p1"] || !seen["p2"] {
		t.Errorf("%s: load not spread, saw %v", addr, seen)
	}
}

func expectLine(t *testing.T, n *testNet, from, addr, want string) {
	t.Helper()
	if got, err := n.get(from, addr); err != nil || got != want {
		t.Errorf("from %q to %s: got %q, %v; want %q", from, addr, got, err, want)
	}
}

func expectPrefix(t *testing.T, n *testNet, from, addr, want string) {
	t.Helper()
	if got, err := n.get(from, addr); err != nil || !strings.HasPrefix(got, want) {
		t.Errorf("from %q to %s: got %q, %v; want %q...", from, addr, got, err, want)
	}
}
