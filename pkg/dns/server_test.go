package dns

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"
	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"
)

// upstream is a resolver on 127.0.0.1 for forwarding tests: example.com A 192.0.2.1, and
// big.example TXT with 40 records (more than 512 bytes: truncated over UDP without EDNS).
type upstream struct {
	addr string
	mu   sync.Mutex
	nets []string // transport of each query received
}

func startUpstream(t *testing.T) *upstream {
	t.Helper()
	u := &upstream{}
	pc, ln, err := listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	u.addr = pc.LocalAddr().String()
	h := dns.HandlerFunc(func(w dns.ResponseWriter, req *dns.Msg) {
		u.mu.Lock()
		u.nets = append(u.nets, w.RemoteAddr().Network())
		u.mu.Unlock()
		m := new(dns.Msg).SetReply(req)
		q := req.Question[0]
		switch strings.ToLower(q.Name) {
		case "example.com.":
			m.Answer = append(m.Answer, &dns.A{Hdr: hdr(q.Name, dns.TypeA), A: net.ParseIP("192.0.2.1")})
		case "big.example.":
			for i := range 40 {
				m.Answer = append(m.Answer, &dns.TXT{Hdr: hdr(q.Name, dns.TypeTXT), Txt: []string{fmt.Sprintf("record %02d of a long answer", i)}})
			}
		default:
			m.Rcode = dns.RcodeNameError
		}
		if w.RemoteAddr().Network() == "udp" {
			size := dns.MinMsgSize
			if opt := req.IsEdns0(); opt != nil {
				size = int(opt.UDPSize())
			}
			m.Truncate(size)
		}
		w.WriteMsg(m)
	})
	udp := &dns.Server{PacketConn: pc, Handler: h}
	tcp := &dns.Server{Listener: ln, Handler: h}
	go udp.ActivateAndServe()
	go tcp.ActivateAndServe()
	t.Cleanup(func() { udp.Shutdown(); tcp.Shutdown() })
	return u
}

func (u *upstream) transports() string {
	u.mu.Lock()
	defer u.mu.Unlock()
	return strings.Join(u.nets, ",")
}

// startServer runs a Server on 127.0.0.1 with a fake clientset holding objs.
func startServer(t testing.TB, upstreams []string, objs ...*v1.Service) (*Server, *fake.Clientset) {
	t.Helper()
	cs := fake.NewClientset()
	for _, o := range objs {
		if _, err := cs.CoreV1().Services(o.Namespace).Create(context.Background(), o, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	return RunTestServer(t, Config{Client: cs, Addr: "127.0.0.1:0", Upstreams: upstreams}), cs
}

func query(t testing.TB, net, addr, name string, qtype uint16, edns bool) *dns.Msg {
	t.Helper()
	m := new(dns.Msg).SetQuestion(name, qtype)
	if edns {
		m.SetEdns0(4096, false)
	}
	c := &dns.Client{Net: net, Timeout: 5 * time.Second}
	r, _, err := c.Exchange(m, addr)
	if err != nil {
		t.Fatalf("%s query %s: %v", net, name, err)
	}
	return r
}

func TestServerAnswersOverUDPAndTCP(t *testing.T) {
	s, cs := startServer(t, nil, newService("default", "web", "10.43.0.20", svcPort("http", v1.ProtocolTCP, 80)))
	addr := s.Addr().String()
	for _, n := range []string{"udp", "tcp"} {
		r := query(t, n, addr, "web.default.svc.cluster.local.", dns.TypeA, false)
		if len(r.Answer) != 1 || r.Answer[0].(*dns.A).A.String() != "10.43.0.20" {
			t.Errorf("%s: answer %v", n, r.Answer)
		}
	}
	// A Service created later is answered once the informer delivers it.
	_, err := cs.CoreV1().Services("prod").Create(context.Background(), newService("prod", "api", "10.43.0.30"), metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		r := query(t, "udp", addr, "api.prod.svc.cluster.local.", dns.TypeA, false)
		if len(r.Answer) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("new service not answered: rcode %d", r.Rcode)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestForwarding(t *testing.T) {
	up := startUpstream(t)
	dead := "127.0.0.1:1" // nothing listens: the next upstream is tried
	s, _ := startServer(t, []string{dead, up.addr}, externalName("default", "away", "example.com"))
	addr := s.Addr().String()

	r := query(t, "udp", addr, "example.com.", dns.TypeA, false)
	if r.Rcode != dns.RcodeSuccess || len(r.Answer) != 1 || r.Answer[0].(*dns.A).A.String() != "192.0.2.1" {
		t.Fatalf("forwarded answer: %v", r)
	}
	if r := query(t, "udp", addr, "missing.example.", dns.TypeA, false); r.Rcode != dns.RcodeNameError {
		t.Errorf("forwarded NXDOMAIN: rcode %d", r.Rcode)
	}
	// ExternalName targets outside the zone are resolved upstream.
	r = query(t, "udp", addr, "away.default.svc.cluster.local.", dns.TypeA, false)
	if len(r.Answer) != 2 || r.Answer[0].Header().Rrtype != dns.TypeCNAME || r.Answer[1].(*dns.A).A.String() != "192.0.2.1" {
		t.Errorf("ExternalName: %v", r.Answer)
	}

	// A big answer: the upstream truncates over UDP, the forwarder retries over TCP, and a
	// UDP client without EDNS gets it truncated in turn, then whole over TCP.
	before := strings.Count(up.transports(), "tcp")
	r = query(t, "udp", addr, "big.example.", dns.TypeTXT, false)
	if !r.Truncated {
		t.Errorf("UDP answer of %d records not truncated", len(r.Answer))
	}
	if strings.Count(up.transports(), "tcp") == before {
		t.Errorf("no TCP fallback to the upstream: %s", up.transports())
	}
	if r := query(t, "tcp", addr, "big.example.", dns.TypeTXT, false); r.Truncated || len(r.Answer) != 40 {
		t.Errorf("TCP answer: truncated %v, %d records", r.Truncated, len(r.Answer))
	}
	if r := query(t, "udp", addr, "big.example.", dns.TypeTXT, true); r.Truncated || len(r.Answer) != 40 {
		t.Errorf("UDP answer with EDNS 4096: truncated %v, %d records", r.Truncated, len(r.Answer))
	}
}

func TestResolvers(t *testing.T) {
	path := filepath.Join(t.TempDir(), "resolv.conf")
	os.WriteFile(path, []byte("nameserver 127.0.0.53\nnameserver 10.0.0.2\nsearch example\noptions edns0\n"), 0o644)
	self, _ := net.ResolveUDPAddr("udp", "10.0.0.2:53")
	got, err := resolvers(path, self)
	if err != nil || strings.Join(got, ",") != "127.0.0.53:53" {
		t.Errorf("resolvers = %v, %v; want 127.0.0.53:53 (itself left out)", got, err)
	}
	if got, err := resolvers(filepath.Join(t.TempDir(), "none"), nil); err != nil || len(got) != 0 {
		t.Errorf("missing file: %v, %v", got, err)
	}
}
