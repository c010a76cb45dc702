package agent

import (
	"context"
	"io"
	"log/slog"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	mdns "github.com/miekg/dns"
	v1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"
)

func TestDNSConfigDefaults(t *testing.T) {
	got := DNSConfig{}.withDefaults("192.168.1.5")
	want := DNSConfig{ClusterDNS: "10.43.0.10", ClusterDomain: "cluster.local", Bind: "192.168.1.5:53"}
	if got != want {
		t.Errorf("defaults = %+v, want %+v", got, want)
	}
	set := DNSConfig{ClusterDNS: "10.96.0.10", ClusterDomain: "corp.local", Bind: "127.0.0.1:0"}
	if got := set.withDefaults("192.168.1.5"); got != set {
		t.Errorf("set fields changed: %+v", got)
	}
	if got := (DNSConfig{}).withDefaults("fd00::5").Bind; got != "[fd00::5]:53" {
		t.Errorf("IPv6 bind = %s", got)
	}
}

func TestDNSEndpointSlice(t *testing.T) {
	node := &v1.Node{ObjectMeta: metav1.ObjectMeta{Name: "n1", UID: "uid-1"}}
	es, err := dnsEndpointSlice(node, "192.168.1.5", 53)
	if err != nil {
		t.Fatal(err)
	}
	if es.Name != "kube-dns-n1" || es.Namespace != "kube-system" ||
		es.Labels[discoveryv1.LabelServiceName] != "kube-dns" || es.Labels[discoveryv1.LabelManagedBy] != "skiff-agent" {
		t.Errorf("metadata = %+v", es.ObjectMeta)
	}
	if diff := cmp.Diff([]metav1.OwnerReference{{APIVersion: "v1", Kind: "Node", Name: "n1", UID: "uid-1"}}, es.OwnerReferences); diff != "" {
		t.Errorf("owner (-want +got):\n%s", diff)
	}
	ep := es.Endpoints[0]
	if es.AddressType != discoveryv1.AddressTypeIPv4 || len(es.Endpoints) != 1 || ep.Addresses[0] != "192.168.1.5" ||
		*ep.NodeName != "n1" || !*ep.Conditions.Ready || !*ep.Conditions.Serving || *ep.Conditions.Terminating {
		t.Errorf("endpoint = %+v (type %s)", ep, es.AddressType)
	}
	if len(es.Ports) != 2 || *es.Ports[0].Name != "dns" || *es.Ports[0].Protocol != v1.ProtocolUDP ||
		*es.Ports[1].Name != "dns-tcp" || *es.Ports[1].Protocol != v1.ProtocolTCP || *es.Ports[1].Port != 53 {
		t.Errorf("ports = %+v", es.Ports)
	}
	if es6, _ := dnsEndpointSlice(node, "fd00::5", 53); es6.AddressType != discoveryv1.AddressTypeIPv6 {
		t.Errorf("IPv6 node: address type %s", es6.AddressType)
	}
	if _, err := dnsEndpointSlice(node, "bogus", 53); err == nil {
		t.Error("bad node IP accepted")
	}
}

// TestRunDNS runs the node-local DNS on 127.0.0.1 against a fake clientset: the agent
// publishes its EndpointSlice with the bound port, answers cluster names, and puts the slice
// back when it is edited.
func TestRunDNS(t *testing.T) {
	cs := fake.NewClientset(
		&v1.Node{ObjectMeta: metav1.ObjectMeta{Name: "n1", UID: "uid-1"}},
		&v1.Service{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "default"}, Spec: v1.ServiceSpec{ClusterIP: "10.43.0.20", ClusterIPs: []string{"10.43.0.20"}}},
	)
	a, err := New(Config{
		DataDir: t.TempDir(), Kubeconfig: "unused", NodeName: "n1", NodeIP: "192.168.1.5",
		DNS: DNSConfig{Bind: "127.0.0.1:0", ResolvConf: "/nonexistent"}, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.runDNS(ctx, cs) }()
	defer func() { cancel(); <-done }()

	var es *discoveryv1.EndpointSlice
	deadline := time.Now().Add(10 * time.Second)
	for {
		got, err := cs.DiscoveryV1().EndpointSlices("kube-system").Get(ctx, "kube-dns-n1", metav1.GetOptions{})
		if err == nil {
			es = got
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("kube-dns-n1 EndpointSlice not published")
		}
		time.Sleep(20 * time.Millisecond)
	}
	port := *es.Ports[0].Port
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(int(port)))
	r, _, err := (&mdns.Client{Timeout: 2 * time.Second}).Exchange(new(mdns.Msg).SetQuestion("web.default.svc.cluster.local.", mdns.TypeA), addr)
	for err == nil && len(r.Answer) == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		r, _, err = (&mdns.Client{Timeout: 2 * time.Second}).Exchange(new(mdns.Msg).SetQuestion("web.default.svc.cluster.local.", mdns.TypeA), addr)
	}
	if err != nil || len(r.Answer) != 1 || r.Answer[0].(*mdns.A).A.String() != "10.43.0.20" {
		t.Fatalf("query on port %d: %v, %v", port, r, err)
	}

	// An edited slice is put back by the next apply.
	es.Endpoints[0].Addresses = []string{"10.0.0.99"}
	if _, err := cs.DiscoveryV1().EndpointSlices("kube-system").Update(ctx, es, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := a.applyDNSEndpoint(ctx, cs, port); err != nil {
		t.Fatal(err)
	}
	got, _ := cs.DiscoveryV1().EndpointSlices("kube-system").Get(ctx, "kube-dns-n1", metav1.GetOptions{})
	if got.Endpoints[0].Addresses[0] != "192.168.1.5" {
		t.Errorf("slice not repaired: %v", got.Endpoints[0].Addresses)
	}
}
