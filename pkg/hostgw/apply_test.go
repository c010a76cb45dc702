package hostgw

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
)

// netnsApplier creates a network namespace with a veth pair, one end on 192.168.77.1/24, and returns
// an Applier inside it; the namespace is deleted when the test ends.
func netnsApplier(t *testing.T) (*Applier, func(args ...string) string) {
	if os.Geteuid() != 0 {
		t.Skip("needs root")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("needs iproute2")
	}
	name := fmt.Sprintf("skiff-hgw-%d", os.Getpid())
	ip := func(args ...string) string {
		t.Helper()
		out, err := exec.Command("ip", append([]string{"-n", name}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("ip %v: %v: %s", args, err, out)
		}
		return string(out)
	}
	if out, err := exec.Command("ip", "netns", "add", name).CombinedOutput(); err != nil {
		t.Fatalf("ip netns add: %v: %s", err, out)
	}
	t.Cleanup(func() { exec.Command("ip", "netns", "del", name).Run() })
	ip("link", "add", "v0", "type", "veth", "peer", "name", "v1")
	ip("addr", "add", "192.168.77.1/24", "dev", "v0")
	ip("link", "set", "v1", "up")
	ip("link", "set", "v0", "up")
	ns, err := netns.GetFromName(name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ns.Close() })
	h, err := netlink.NewHandleAt(ns)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Close)
	return &Applier{Handle: h}, ip
}

func TestApplierInNetns(t *testing.T) {
	a, ip := netnsApplier(t)
	// A route somebody else owns, in the same range: never touched.
	ip("route", "add", "10.42.9.0/24", "via", "192.168.77.9", "proto", "static")
	want := []Route{r("10.42.1.0/24", "192.168.77.2"), r("10.42.2.0/24", "192.168.77.3")}
	step := func(desired []Route) {
		t.Helper()
		cur, err := a.Current()
		if err != nil {
			t.Fatal(err)
		}
		set, del := Plan(cur, desired)
		if err := a.Apply(set, del); err != nil {
			t.Fatal(err)
		}
		got, err := a.Current()
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(desired, got, cmpRoute); diff != "" {
			t.Fatalf("routes (-want +got):\n%s", diff)
		}
	}
	step(want)
	if out := ip("route", "show", "10.42.1.0/24"); !strings.Contains(out, "via 192.168.77.2") || !strings.Contains(out, "proto 77") {
		t.Errorf("ip route: %q", out)
	}
	step([]Route{r("10.42.1.0/24", "192.168.77.5")}) // gateway moved, node 3 gone
	step(nil)
	if out := ip("route", "show", "10.42.9.0/24"); !strings.Contains(out, "via 192.168.77.9") {
		t.Errorf("foreign route was touched: %q", out)
	}
	// An unreachable gateway is an error, and the other routes are still applied.
	err := a.Apply([]Route{r("10.42.3.0/24", "10.200.0.1"), r("10.42.4.0/24", "192.168.77.4")}, nil)
	if err == nil {
		t.Error("unreachable gateway accepted")
	}
	if got, _ := a.Current(); len(got) != 1 {
		t.Errorf("after partial failure: %v", got)
	}
}
