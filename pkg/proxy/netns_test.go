package proxy

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/vishvananda/netns"
)

// testNet is a node network namespace with a bridge 10.42.0.1/24, a node IP 192.168.77.1 on
// loopback, and pod namespaces attached to the bridge. Everything is removed when
// the test ends.
type testNet struct {
	t      testing.TB
	prefix string
	node   string
	pods   map[string]string // pod name -> netns name
}

const testNodeIP = "192.168.77.1"

// needRoot skips unless root with the given tools.
func needRoot(t testing.TB, tools ...string) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root")
	}
	for _, tool := range append([]string{"ip", "nsenter"}, tools...) {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("needs %s", tool)
		}
	}
}

func newTestNet(t testing.TB) *testNet {
	t.Helper()
	n := &testNet{t: t, prefix: fmt.Sprintf("skp%05d", rand.IntN(100000)), pods: map[string]string{}}
	n.node = n.prefix + "-node"
	t.Cleanup(n.cleanup)
	n.sh("ip netns add " + n.node)
	n.sh(n.in(n.node) + "ip link set lo up")
	n.sh(n.in(n.node) + "ip link add br0 type bridge")
	n.sh(n.in(n.node) + "ip addr add 10.42.0.1/24 dev br0")
	n.sh(n.in(n.node) + "ip link set br0 up")
	n.sh(n.in(n.node) + "ip route add default dev br0") // a node has a default route; VIPs use it
	n.sh(n.in(n.node) + "ip addr add " + testNodeIP + "/32 dev lo")
	n.do(func() {
		if err := PrepareKernel(); err != nil {
			t.Fatal(err)
		}
	})
	return n
}

// addPod creates pod netns name with address ip (10.42.0.x) and a TCP and UDP echo of its
// name on port 8080.
func (n *testNet) addPod(name, ip string) {
	ns := n.prefix + "-" + name
	host := fmt.Sprintf("v%s%s", n.prefix[3:], name)
	n.sh("ip netns add " + ns)
	n.sh(fmt.Sprintf("ip link add %s netns %s type veth peer name eth0 netns %s", host, n.node, ns))
	n.sh(n.in(n.node) + "ip link set " + host + " master br0")
	n.sh(n.in(n.node) + "ip link set " + host + " type bridge_slave hairpin on")
	n.sh(n.in(n.node) + "ip link set " + host + " up")
	n.sh(n.in(ns) + "ip link set lo up")
	n.sh(n.in(ns) + "ip addr add " + ip + "/24 dev eth0")
	n.sh(n.in(ns) + "ip link set eth0 up")
	n.sh(n.in(ns) + "ip route add default via 10.42.0.1")
	n.pods[name] = ns
	var ln net.Listener
	var pc net.PacketConn
	n.doIn(ns, func() {
		var err error
		if ln, err = net.Listen("tcp", ":8080"); err != nil {
			n.t.Fatal(err)
		}
		if pc, err = net.ListenPacket("udp", ":8080"); err != nil {
			n.t.Fatal(err)
		}
	})
	n.t.Cleanup(func() { ln.Close(); pc.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			fmt.Fprintf(c, "%s %s\n", name, c.RemoteAddr().(*net.TCPAddr).IP)
			c.Close()
		}
	}()
	go func() {
		buf := make([]byte, 100)
		for {
			_, addr, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			pc.WriteTo([]byte(name+"\n"), addr)
		}
	}()
}

// get dials addr over TCP from pod ns ("" is the node) and returns the first line the
// server sends: "<pod> <client ip seen>"; or the error.
func (n *testNet) get(ns, addr string) (string, error) {
	ns = n.nsOf(ns)
	var c net.Conn
	var err error
	n.doIn(ns, func() { c, err = net.DialTimeout("tcp", addr, 2*time.Second) })
	if err != nil {
		return "", err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(2 * time.Second))
	line, err := bufio.NewReader(c).ReadString('\n')
	return strings.TrimSpace(line), err
}

// getUDP sends a datagram to addr from pod ns and returns the answer.
func (n *testNet) getUDP(ns, addr string) (string, error) {
	ns = n.nsOf(ns)
	var c net.Conn
	var err error
	n.doIn(ns, func() { c, err = net.Dial("udp", addr) })
	if err != nil {
		return "", err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(time.Second))
	c.Write([]byte("x"))
	buf := make([]byte, 100)
	k, err := c.Read(buf)
	return strings.TrimSpace(string(buf[:k])), err
}

// nsOf maps a pod name ("" is the node) to its namespace.
func (n *testNet) nsOf(pod string) string {
	if pod == "" {
		return n.node
	}
	return n.pods[pod]
}

// do runs f on a thread in the node namespace (commands it starts inherit it).
func (n *testNet) do(f func()) { n.doIn(n.node, f) }

func (n *testNet) doIn(name string, f func()) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	orig, err := netns.Get()
	if err != nil {
		n.t.Fatal(err)
	}
	defer orig.Close()
	target, err := netns.GetFromName(name)
	if err != nil {
		n.t.Fatalf("netns %s: %v", name, err)
	}
	defer target.Close()
	if err := netns.Set(target); err != nil {
		n.t.Fatal(err)
	}
	defer func() {
		if err := netns.Set(orig); err != nil {
			panic(err) // a thread left in the wrong namespace must not be reused
		}
	}()
	f()
}

func (n *testNet) in(ns string) string { return "nsenter --net=/var/run/netns/" + ns + " " }

func (n *testNet) sh(cmd string) {
	n.t.Helper()
	out, err := exec.Command("sh", "-c", cmd).CombinedOutput()
	if err != nil {
		n.t.Fatalf("%s: %v: %s", cmd, err, out)
	}
}

func (n *testNet) cleanup() {
	for _, ns := range n.pods {
		exec.Command("ip", "netns", "del", ns).Run()
	}
	exec.Command("ip", "netns", "del", n.node).Run()
}

// apply applies rs with b inside the node namespace.
func (n *testNet) apply(b Backend, rs Ruleset, full bool) {
	n.t.Helper()
	var err error
	n.do(func() { err = b.Apply(context.Background(), rs, full) })
	if err != nil {
		n.t.Fatal(err)
	}
}
