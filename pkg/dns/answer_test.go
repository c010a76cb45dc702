package dns

import (
	"context"
	"io"
	"log/slog"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/miekg/dns"
	v1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

func newService(ns, name, clusterIP string, ports ...v1.ServicePort) *v1.Service {
	s := &v1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}, Spec: v1.ServiceSpec{ClusterIP: clusterIP, Ports: ports}}
	if clusterIP != v1.ClusterIPNone {
		s.Spec.ClusterIPs = []string{clusterIP}
	}
	return s
}

func externalName(ns, name, target string) *v1.Service {
	return &v1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}, Spec: v1.ServiceSpec{Type: v1.ServiceTypeExternalName, ExternalName: target}}
}

func svcPort(name string, proto v1.Protocol, port int32) v1.ServicePort {
	return v1.ServicePort{Name: name, Protocol: proto, Port: port}
}

// endpoint is an EndpointSlice endpoint: hostname "" for none, ready nil for unset.
func endpoint(addr, hostname string, ready *bool) discoveryv1.Endpoint {
	ep := discoveryv1.Endpoint{Addresses: []string{addr}, Conditions: discoveryv1.EndpointConditions{Ready: ready}}
	if hostname != "" {
		ep.Hostname = &hostname
	}
	return ep
}

func slice(ns, name, svc string, ports []discoveryv1.EndpointPort, eps ...discoveryv1.Endpoint) *discoveryv1.EndpointSlice {
	return &discoveryv1.EndpointSlice{
		ObjectMeta:  metav1.ObjectMeta{Namespace: ns, Name: name, Labels: map[string]string{discoveryv1.LabelServiceName: svc}},
		AddressType: discoveryv1.AddressTypeIPv4, Endpoints: eps, Ports: ports,
	}
}

func slicePort(name string, port int32) discoveryv1.EndpointPort {
	return discoveryv1.EndpointPort{Name: &name, Protocol: ptr.To(v1.ProtocolTCP), Port: &port}
}

// fixture is an index with a ClusterIP service (web), a headless one (db), ExternalName
// services and an IPv6 service.
func fixture() *index {
	ix := newIndex("cluster.local")
	ix.setService(newService("default", "web", "10.43.0.20", svcPort("http", v1.ProtocolTCP, 80), svcPort("dns", v1.ProtocolUDP, 53)))
	ix.setService(newService("default", "db", v1.ClusterIPNone, svcPort("pg", v1.ProtocolTCP, 5432)))
	ix.setSlice(slice("default", "db-a", "db", []discoveryv1.EndpointPort{slicePort("pg", 15432)},
		endpoint("10.42.0.5", "db-0", ptr.To(true)), endpoint("10.42.0.6", "db-1", ptr.To(true)), endpoint("10.42.0.7", "db-2", ptr.To(false))))
	ix.setSlice(slice("default", "db-b", "db", []discoveryv1.EndpointPort{slicePort("pg", 15432)}, endpoint("10.42.1.8", "", nil)))
	ix.setService(externalName("default", "ext", "web.default.svc.cluster.local"))
	ix.setService(externalName("default", "away", "example.com."))
	v6 := newService("default", "v6", "fd00::10", svcPort("http", v1.ProtocolTCP, 80))
	ix.setService(v6)
	return ix
}

// ask runs one question through a handler with no upstream resolver.
func ask(ix *index, name string, qtype uint16) *dns.Msg {
	h := &handler{ix: ix, fwd: newForwarder(nil), log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	req := new(dns.Msg).SetQuestion(name, qtype)
	return h.respond(context.Background(), req)
}

// rrs renders records without their TTL-insensitive header tabs, sorted.
func rrs(records []dns.RR) []string {
	var out []string
	for _, r := range records {
		out = append(out, strings.ReplaceAll(r.String(), "\t", " "))
	}
	slices.Sort(out)
	return out
}

func TestAnswers(t *testing.T) {
	const dom = ".default.svc.cluster.local."
	tests := []struct {
		name   string
		qname  string
		qtype  uint16
		rcode  int
		answer []string
		extra  []string
	}{
		{"service A", "web" + dom, dns.TypeA, dns.RcodeSuccess, []string{"web.default.svc.cluster.local. 5 IN A 10.43.0.20"}, nil},
		{"case insensitive, owner as asked", "WEB.Default.SVC.Cluster.LOCAL.", dns.TypeA, dns.RcodeSuccess, []string{"WEB.Default.SVC.Cluster.LOCAL. 5 IN A 10.43.0.20"}, nil},
		{"IPv4 service AAAA is NODATA", "web" + dom, dns.TypeAAAA, dns.RcodeSuccess, nil, nil},
		{"IPv6 service AAAA", "v6" + dom, dns.TypeAAAA, dns.RcodeSuccess, []string{"v6.default.svc.cluster.local. 5 IN AAAA fd00::10"}, nil},
		{"unknown service", "nope" + dom, dns.TypeA, dns.RcodeNameError, nil, nil},
		{"headless A lists ready endpoints", "db" + dom, dns.TypeA, dns.RcodeSuccess, []string{
			"db.default.svc.cluster.local. 5 IN A 10.42.0.5", "db.default.svc.cluster.local. 5 IN A 10.42.0.6", "db.default.svc.cluster.local. 5 IN A 10.42.1.8"}, nil},
		{"endpoint hostname", "db-0.db" + dom, dns.TypeA, dns.RcodeSuccess, []string{"db-0.db.default.svc.cluster.local. 5 IN A 10.42.0.5"}, nil},
		{"endpoint without hostname by dashed IP", "10-42-1-8.db" + dom, dns.TypeA, dns.RcodeSuccess, []string{"10-42-1-8.db.default.svc.cluster.local. 5 IN A 10.42.1.8"}, nil},
		{"not-ready endpoint", "db-2.db" + dom, dns.TypeA, dns.RcodeNameError, nil, nil},
		{"endpoint names only for headless services", "x.web" + dom, dns.TypeA, dns.RcodeNameError, nil, nil},
		{"named port SRV", "_http._tcp.web" + dom, dns.TypeSRV, dns.RcodeSuccess,
			[]string{"_http._tcp.web.default.svc.cluster.local. 5 IN SRV 0 100 80 web.default.svc.cluster.local."},
			[]string{"web.default.svc.cluster.local. 5 IN A 10.43.0.20"}},
		{"named UDP port SRV", "_dns._udp.web" + dom, dns.TypeSRV, dns.RcodeSuccess,
			[]string{"_dns._udp.web.default.svc.cluster.local. 5 IN SRV 0 100 53 web.default.svc.cluster.local."},
			[]string{"web.default.svc.cluster.local. 5 IN A 10.43.0.20"}},
		{"wrong protocol", "_http._udp.web" + dom, dns.TypeSRV, dns.RcodeNameError, nil, nil},
		{"unknown port", "_nope._tcp.web" + dom, dns.TypeSRV, dns.RcodeNameError, nil, nil},
		{"named port, A asked", "_http._tcp.web" + dom, dns.TypeA, dns.RcodeSuccess, nil, nil},
		{"protocol node exists", "_tcp.web" + dom, dns.TypeSRV, dns.RcodeSuccess, nil, nil},
		{"headless named port SRV per endpoint", "_pg._tcp.db" + dom, dns.TypeSRV, dns.RcodeSuccess, []string{
			"_pg._tcp.db.default.svc.cluster.local. 5 IN SRV 0 33 15432 10-42-1-8.db.default.svc.cluster.local.",
			"_pg._tcp.db.default.svc.cluster.local. 5 IN SRV 0 33 15432 db-0.db.default.svc.cluster.local.",
			"_pg._tcp.db.default.svc.cluster.local. 5 IN SRV 0 33 15432 db-1.db.default.svc.cluster.local.",
		}, []string{
			"10-42-1-8.db.default.svc.cluster.local. 5 IN A 10.42.1.8",
			"db-0.db.default.svc.cluster.local. 5 IN A 10.42.0.5",
			"db-1.db.default.svc.cluster.local. 5 IN A 10.42.0.6",
		}},
		{"plain service SRV lists every port", "web" + dom, dns.TypeSRV, dns.RcodeSuccess, []string{
			"web.default.svc.cluster.local. 5 IN SRV 0 100 53 web.default.svc.cluster.local.",
			"web.default.svc.cluster.local. 5 IN SRV 0 100 80 web.default.svc.cluster.local.",
		}, []string{"web.default.svc.cluster.local. 5 IN A 10.43.0.20"}},
		{"ExternalName in the zone is chased", "ext" + dom, dns.TypeA, dns.RcodeSuccess, []string{
			"ext.default.svc.cluster.local. 5 IN CNAME web.default.svc.cluster.local.",
			"web.default.svc.cluster.local. 5 IN A 10.43.0.20",
		}, nil},
		{"ExternalName outside, upstream down: the CNAME alone", "away" + dom, dns.TypeA, dns.RcodeSuccess,
			[]string{"away.default.svc.cluster.local. 5 IN CNAME example.com."}, nil},
		{"PTR of a ClusterIP", "20.0.43.10.in-addr.arpa.", dns.TypePTR, dns.RcodeSuccess,
			[]string{"20.0.43.10.in-addr.arpa. 5 IN PTR web.default.svc.cluster.local."}, nil},
		{"PTR of a headless endpoint", "5.0.42.10.in-addr.arpa.", dns.TypePTR, dns.RcodeSuccess,
			[]string{"5.0.42.10.in-addr.arpa. 5 IN PTR db-0.db.default.svc.cluster.local."}, nil},
		{"PTR of an IPv6 ClusterIP", "0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa.", dns.TypePTR, dns.RcodeSuccess,
			[]string{"0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa. 5 IN PTR v6.default.svc.cluster.local."}, nil},
		{"unknown PTR is forwarded", "9.9.9.10.in-addr.arpa.", dns.TypePTR, dns.RcodeServerFailure, nil, nil},
		{"pod A", "10-42-0-9.default.pod.cluster.local.", dns.TypeA, dns.RcodeSuccess, []string{"10-42-0-9.default.pod.cluster.local. 5 IN A 10.42.0.9"}, nil},
		{"pod name not an IP", "web.default.pod.cluster.local.", dns.TypeA, dns.RcodeNameError, nil, nil},
		{"search path: name.ns + ns domain", "web.default.default.svc.cluster.local.", dns.TypeA, dns.RcodeNameError, nil, nil},
		{"search path: FQDN + ns domain", "web.default.svc.cluster.local" + dom, dns.TypeA, dns.RcodeNameError, nil, nil},
		{"search path: name + svc domain", "web.svc.cluster.local.", dns.TypeA, dns.RcodeNameError, nil, nil},
		{"namespace with services", "default.svc.cluster.local.", dns.TypeA, dns.RcodeSuccess, nil, nil},
		{"namespace without services", "empty.svc.cluster.local.", dns.TypeA, dns.RcodeNameError, nil, nil},
		{"unknown subzone", "x.cluster.local.", dns.TypeA, dns.RcodeNameError, nil, nil},
		{"zone apex SOA", "cluster.local.", dns.TypeSOA, dns.RcodeSuccess,
			[]string{"cluster.local. 5 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. 1 7200 1800 86400 5"}, nil},
		{"outside the zone is forwarded", "example.com.", dns.TypeA, dns.RcodeServerFailure, nil, nil},
		{"suffix that is not the zone", "evilcluster.local.", dns.TypeA, dns.RcodeServerFailure, nil, nil},
	}
	ix := fixture()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := ask(ix, tt.qname, tt.qtype)
			if m.Rcode != tt.rcode {
				t.Fatalf("rcode = %s, want %s", dns.RcodeToString[m.Rcode], dns.RcodeToString[tt.rcode])
			}
			if diff := cmp.Diff(tt.answer, rrs(m.Answer)); diff != "" {
				t.Errorf("answer (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.extra, rrs(m.Extra)); diff != "" {
				t.Errorf("extra (-want +got):\n%s", diff)
			}
			if tt.rcode == dns.RcodeServerFailure {
				return
			}
			if !m.Authoritative {
				t.Error("answer not authoritative")
			}
			if len(m.Answer) == 0 && (len(m.Ns) != 1 || m.Ns[0].Header().Rrtype != dns.TypeSOA || m.Ns[0].Header().Ttl != ttl) {
				t.Errorf("negative answer without the SOA: %v", m.Ns)
			}
		})
	}
}

func TestIndexFollowsChanges(t *testing.T) {
	ix := fixture()
	const db = "db.default.svc.cluster.local."
	ix.deleteSlice("default", "db-a")
	if got := rrs(ask(ix, db, dns.TypeA).Answer); len(got) != 1 {
		t.Errorf("after deleting slice db-a: %v", got)
	}
	if m := ask(ix, "5.0.42.10.in-addr.arpa.", dns.TypePTR); m.Rcode != dns.RcodeServerFailure {
		t.Errorf("PTR of a removed endpoint still served: %v", m.Answer)
	}
	// A slice moving to another service leaves the first one.
	moved := slice("default", "db-b", "web", nil, endpoint("10.42.1.8", "", nil))
	ix.setSlice(moved)
	if m := ask(ix, db, dns.TypeA); m.Rcode != dns.RcodeSuccess || len(m.Answer) != 0 {
		t.Errorf("headless service without endpoints: rcode %d answer %v, want NODATA", m.Rcode, m.Answer)
	}
	// A service becoming headless serves its endpoints.
	ix.setService(newService("default", "web", v1.ClusterIPNone))
	if got := rrs(ask(ix, "web.default.svc.cluster.local.", dns.TypeA).Answer); !slices.Equal(got, []string{"web.default.svc.cluster.local. 5 IN A 10.42.1.8"}) {
		t.Errorf("web after turning headless: %v", got)
	}
	if m := ask(ix, "20.0.43.10.in-addr.arpa.", dns.TypePTR); m.Rcode != dns.RcodeServerFailure {
		t.Errorf("PTR of the former ClusterIP still served: %v", m.Answer)
	}
	for _, name := range []string{"web", "db", "ext", "away", "v6"} {
		ix.deleteService("default", name)
	}
	if m := ask(ix, "default.svc.cluster.local.", dns.TypeA); m.Rcode != dns.RcodeNameError {
		t.Errorf("namespace without services: rcode %d", m.Rcode)
	}
	if len(ix.ptrs) != 0 || len(ix.ptrOf) != 0 || len(ix.namespaces) != 0 {
		t.Errorf("index not empty: ptrs %v ptrOf %v namespaces %v", ix.ptrs, ix.ptrOf, ix.namespaces)
	}
	// Slices arriving before their service are used once it exists.
	ix.setService(newService("default", "web", v1.ClusterIPNone))
	if got := rrs(ask(ix, "web.default.svc.cluster.local.", dns.TypeA).Answer); len(got) != 1 {
		t.Errorf("web recreated: %v", got)
	}
}

func TestDashed(t *testing.T) {
	for _, s := range []string{"10.42.0.5", "fd00::1", "2001:db8::a:b"} {
		a := mustAddr(t, s)
		back, ok := undashed(dashed(a))
		if !ok || back != a {
			t.Errorf("undashed(dashed(%s)) = %v, %v", s, back, ok)
		}
	}
	for _, bad := range []string{"web", "10-42-0", "1-2-3-4-5"} {
		if a, ok := undashed(bad); ok {
			t.Errorf("undashed(%q) = %v", bad, a)
		}
	}
}

func mustAddr(t *testing.T, s string) netip.Addr {
	t.Helper()
	a, err := netip.ParseAddr(s)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
