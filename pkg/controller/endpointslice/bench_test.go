package endpointslice

import (
	"testing"

	"skiff/pkg/controller/podendpoint"
	ept "skiff/pkg/controller/podendpoint/podendpointtest"
)

// BenchmarkDecide1000 measures one sync's computation for a Service of 1,000 pods: the
// endpoints, their grouping and the plan against the 10 slices already stored, after one pod
// went unready (one slice to rewrite).
func BenchmarkDecide1000(b *testing.B) {
	svc := ept.Service()
	ps := ept.Pods(0, 1000)
	existing := stored(decide(svc, want(svc, ps), nil, 100), "web")
	ps[500] = ept.Pod(500, ept.Unready)
	zones := map[string]string{"n1": "z1"}
	b.ReportAllocs()
	for b.Loop() {
		p := decide(svc, groups(podendpoint.List(svc, ps, true), zones), existing, 100)
		if len(p.update) != 1 {
			b.Fatalf("%d updates", len(p.update))
		}
	}
}

// BenchmarkDecide1000Unchanged is BenchmarkDecide1000 when nothing changed (the common
// resync): no writes.
func BenchmarkDecide1000Unchanged(b *testing.B) {
	svc := ept.Service()
	ps := ept.Pods(0, 1000)
	existing := stored(decide(svc, want(svc, ps), nil, 100), "web")
	b.ReportAllocs()
	for b.Loop() {
		p := decide(svc, groups(podendpoint.List(svc, ps, true), map[string]string{"n1": "z1"}), existing, 100)
		if len(p.update)+len(p.create) != 0 {
			b.Fatal("writes")
		}
	}
}
