package dns

import (
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miekg/dns"
	v1 "k8s.io/api/core/v1"
)

// benchServer serves 1,000 ClusterIP services in 10 namespaces on 127.0.0.1.
func benchServer(b *testing.B) string {
	var svcs []*v1.Service
	for i := range 1000 {
		svcs = append(svcs, newService(fmt.Sprintf("ns%d", i%10), fmt.Sprintf("svc%d", i), fmt.Sprintf("10.43.%d.%d", i/250, i%250+1)))
	}
	s, _ := startServer(b, []string{}, svcs...)
	return s.Addr().String()
}

// BenchmarkQueryUDP measures one client asking A questions for services one after the other
// over UDP on loopback: latency p50/p99 (µs) and queries/s.
func BenchmarkQueryUDP(b *testing.B) {
	addr := benchServer(b)
	conn, err := dns.Dial("udp", addr)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	start := time.Now()
	for i := range b.N {
		m := new(dns.Msg).SetQuestion(fmt.Sprintf("svc%d.ns%d.svc.cluster.local.", i%1000, i%10), dns.TypeA)
		t0 := time.Now()
		if err := conn.WriteMsg(m); err != nil {
			b.Fatal(err)
		}
		r, err := conn.ReadMsg()
		if err != nil || len(r.Answer) != 1 {
			b.Fatalf("answer %v, %v", r, err)
		}
		lat = append(lat, time.Since(t0))
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "queries/s")
	reportPercentiles(b, lat)
}

// BenchmarkQueryUDPParallel measures throughput with GOMAXPROCS concurrent clients.
func BenchmarkQueryUDPParallel(b *testing.B) {
	addr := benchServer(b)
	var n atomic.Int64
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		conn, err := dns.Dial("udp", addr)
		if err != nil {
			b.Error(err)
			return
		}
		defer conn.Close()
		for pb.Next() {
			i := n.Add(1)
			m := new(dns.Msg).SetQuestion(fmt.Sprintf("svc%d.ns%d.svc.cluster.local.", i%1000, i%10), dns.TypeA)
			if err := conn.WriteMsg(m); err != nil {
				b.Error(err)
				return
			}
			if _, err := conn.ReadMsg(); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "queries/s")
}

func reportPercentiles(b *testing.B, lat []time.Duration) {
	slices.Sort(lat)
	p := func(q float64) float64 { return float64(lat[int(q*float64(len(lat)-1))]) / 1e3 }
	b.ReportMetric(p(0.50), "p50-µs")
	b.ReportMetric(p(0.99), "p99-µs")
}

// BenchmarkLookup measures the index alone (no sockets): one A question.
func BenchmarkLookup(b *testing.B) {
	ix := fixture()
	q := dns.Question{Name: "web.default.svc.cluster.local.", Qtype: dns.TypeA, Qclass: dns.ClassINET}
	b.ReportAllocs()
	for b.Loop() {
		if r := ix.lookup(q); len(r.answer) != 1 {
			b.Fatal(r)
		}
	}
}
