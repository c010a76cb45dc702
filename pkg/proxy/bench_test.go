package proxy

import (
	"context"
	"fmt"
	"testing"

	v1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
)

// benchObjects returns n services with m ready endpoints each (one slice per service).
func benchObjects(n, m int) ([]*v1.Service, []*discoveryv1.EndpointSlice) {
	var svcs []*v1.Service
	var eps []*discoveryv1.EndpointSlice
	for i := range n {
		name := fmt.Sprintf("svc-%d", i)
		ip := fmt.Sprintf("10.43.%d.%d", i/250, i%250+1)
		svcs = append(svcs, svc(name, func(s *v1.Service) {
			s.Spec.ClusterIP, s.Spec.ClusterIPs = ip, []string{ip}
			if i%10 == 0 {
				s.Spec.Type, s.Spec.Ports[0].NodePort = v1.ServiceTypeNodePort, int32(30000+i)
			}
		}))
		var list []ep
		for j := range m {
			list = append(list, ep{ip: fmt.Sprintf("10.42.%d.%d", (i*m+j)/250, (i*m+j)%250+2), node: "node-a", ready: true, serving: true})
		}
		s := slice(name, 8080, list...)
		s.Name = name + "-abc"
		eps = append(eps, s)
	}
	return svcs, eps
}

// BenchmarkSync measures compute + render + apply of 1,000 services / 10,000 endpoints in a
// network namespace: a full sync, and an incremental one after one endpoint changed.
// Root only: go test -run XXX -bench Sync -benchtime 5x ./pkg/proxy/
func BenchmarkSync(b *testing.B) {
	for name, newBackend := range testBackends(b) {
		b.Run(name, func(b *testing.B) {
			n := newTestNet(b)
			var be Backend
			var err error
			n.do(func() { be, err = newBackend() })
			if err != nil {
				b.Fatal(err)
			}
			svcs, eps := benchObjects(1000, 10)
			node := NodeInfo{Name: "node-a", ClusterCIDR: "10.42.0.0/16"}
			sync := func(full bool) {
				n.do(func() { err = be.Apply(context.Background(), Compute(svcs, eps, node), full) })
				if err != nil {
					b.Fatal(err)
				}
			}
			sync(true)
			b.Run("full", func(b *testing.B) {
				for b.Loop() {
					sync(true)
				}
			})
			b.Run("one-endpoint-change", func(b *testing.B) {
				i := 0
				for b.Loop() {
					i++
					e := &eps[i%len(eps)].Endpoints[0]
					e.Conditions.Ready = ptrBool(!*e.Conditions.Ready)
					e.Conditions.Serving = e.Conditions.Ready
					sync(false)
				}
			})
			b.Run("compute-only", func(b *testing.B) {
				for b.Loop() {
					Compute(svcs, eps, node)
				}
			})
		})
	}
}

func ptrBool(v bool) *bool { return &v }
