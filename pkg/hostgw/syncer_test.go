package hostgw_test

import (
	"context"
	"io"
	"log/slog"
	"net/netip"
	"slices"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"skiff/pkg/hostgw"
	"skiff/pkg/server/servertest"
)

// memRoutes is a Routes in memory.
type memRoutes struct {
	mu     sync.Mutex
	routes map[netip.Prefix]netip.Addr
}

func (m *memRoutes) Current() ([]hostgw.Route, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []hostgw.Route
	for d, v := range m.routes {
		out = append(out, hostgw.Route{Dst: d, Via: v})
	}
	return out, nil
}

func (m *memRoutes) Apply(set, del []hostgw.Route) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, r := range del {
		delete(m.routes, r.Dst)
	}
	for _, r := range set {
		m.routes[r.Dst] = r.Via
	}
	return nil
}

func (m *memRoutes) strings() []string {
	rs, _ := m.Current()
	var out []string
	for _, r := range rs {
		out = append(out, r.String())
	}
	slices.Sort(out)
	return out
}

func TestSyncerFollowsNodes(t *testing.T) {
	s := servertest.StartWith(t, servertest.Options{NoControllers: true})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	nodes := s.Client.CoreV1().Nodes()
	mk := func(name, cidr, ip string) {
		n := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: corev1.NodeSpec{PodCIDR: cidr, PodCIDRs: []string{cidr}}}
		n, err := nodes.Create(ctx, n, metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		n.Status.Addresses = []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: ip}}
		if _, err := nodes.UpdateStatus(ctx, n, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	mk("self", "10.42.0.0/24", "192.168.0.1")
	mk("b", "10.42.1.0/24", "192.168.0.2")
	routes := &memRoutes{routes: map[netip.Prefix]netip.Addr{}}
	sy := &hostgw.Syncer{Client: s.Client, NodeName: "self", Routes: routes, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	done := make(chan error, 1)
	go func() { done <- sy.Run(ctx) }()
	waitFor := func(want ...string) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for !slices.Equal(routes.strings(), want) {
			if time.Now().After(deadline) {
				t.Fatalf("routes %v, want %v", routes.strings(), want)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	waitFor("10.42.1.0/24 via 192.168.0.2")
	mk("c", "10.42.2.0/24", "192.168.0.3")
	waitFor("10.42.1.0/24 via 192.168.0.2", "10.42.2.0/24 via 192.168.0.3")
	if err := nodes.Delete(ctx, "b", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	waitFor("10.42.2.0/24 via 192.168.0.3")
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
