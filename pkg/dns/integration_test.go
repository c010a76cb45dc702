package dns_test

import (
	"context"
	"testing"
	"time"

	"github.com/miekg/dns"
	v1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	skiffdns "skiff/pkg/dns"
	"skiff/pkg/server/servertest"
)

// TestServiceThroughAPIServer creates Services and an EndpointSlice through a real API server
// (embedded etcd) and resolves them over UDP.
func TestServiceThroughAPIServer(t *testing.T) {
	if testing.Short() {
		t.Skip("starts etcd and the API server")
	}
	srv := servertest.StartWith(t, servertest.Options{NoControllers: true})
	ctx := context.Background()
	s := skiffdns.RunTestServer(t, skiffdns.Config{Client: srv.Client, Addr: "127.0.0.1:0", Upstreams: []string{}})

	web, err := srv.Client.CoreV1().Services("default").Create(ctx, &v1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "web"},
		Spec:       v1.ServiceSpec{ClusterIP: "10.43.0.20", Selector: map[string]string{"app": "web"}, Ports: []v1.ServicePort{{Name: "http", Port: 80}}},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	a := waitAnswer(t, s.Addr().String(), "web.default.svc.cluster.local.", dns.TypeA)
	if got := a[0].(*dns.A).A.String(); got != web.Spec.ClusterIP {
		t.Errorf("A = %s, want the ClusterIP %s", got, web.Spec.ClusterIP)
	}

	_, err = srv.Client.CoreV1().Services("default").Create(ctx, &v1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "db"},
		Spec:       v1.ServiceSpec{ClusterIP: v1.ClusterIPNone, Ports: []v1.ServicePort{{Name: "pg", Port: 5432}}},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = srv.Client.DiscoveryV1().EndpointSlices("default").Create(ctx, &discoveryv1.EndpointSlice{
		ObjectMeta:  metav1.ObjectMeta{Name: "db-1", Labels: map[string]string{discoveryv1.LabelServiceName: "db"}},
		AddressType: discoveryv1.AddressTypeIPv4,
		Endpoints: []discoveryv1.Endpoint{{
			Addresses: []string{"10.42.0.5"}, Hostname: ptr.To("db-0"), Conditions: discoveryv1.EndpointConditions{Ready: ptr.To(true)},
		}},
		Ports: []discoveryv1.EndpointPort{{Name: ptr.To("pg"), Port: ptr.To[int32](5432), Protocol: ptr.To(v1.ProtocolTCP)}},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	a = waitAnswer(t, s.Addr().String(), "db-0.db.default.svc.cluster.local.", dns.TypeA)
	if got := a[0].(*dns.A).A.String(); got != "10.42.0.5" {
		t.Errorf("db-0 A = %s", got)
	}
	srvs := waitAnswer(t, s.Addr().String(), "_pg._tcp.db.default.svc.cluster.local.", dns.TypeSRV)
	if got := srvs[0].(*dns.SRV); got.Port != 5432 || got.Target != "db-0.db.default.svc.cluster.local." {
		t.Errorf("SRV = %v", got)
	}
}

// waitAnswer asks until the answer section is not empty (the informers deliver the objects).
func waitAnswer(t *testing.T, addr, name string, qtype uint16) []dns.RR {
	t.Helper()
	c := &dns.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(10 * time.Second)
	for {
		r, _, err := c.Exchange(new(dns.Msg).SetQuestion(name, qtype), addr)
		if err == nil && len(r.Answer) > 0 {
			return r.Answer
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: no answer (last: %v, %v)", name, r, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
