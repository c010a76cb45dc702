package algorithm

import (
	"fmt"
	"math/rand/v2"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"skiff/pkg/scheduler/framework"
	ft "skiff/pkg/scheduler/framework/frameworktest"
)

// benchSnapshot builds 5,000 nodes in 10 zones with 10,000 pods, every antiEvery-th pod
// (none if 0) carrying a required anti-affinity term.
func benchSnapshot(b *testing.B, antiEvery int) *framework.Snapshot {
	b.Helper()
	anti := &corev1.Affinity{PodAntiAffinity: &corev1.PodAntiAffinity{
		RequiredDuringSchedulingIgnoredDuringExecution: []corev1.PodAffinityTerm{ft.Term("kubernetes.io/hostname", "app", "cache")},
	}}
	var nodes []*corev1.Node
	var pods []*corev1.Pod
	for i := range 5000 {
		name := fmt.Sprintf("node-%04d", i)
		nodes = append(nodes, ft.MakeNode(name).Label("zone", fmt.Sprintf("z%d", i%10)).
			Capacity("cpu", "16", "memory", "64Gi", "pods", "110").Obj())
		for j := range 2 {
			p := ft.MakePod(fmt.Sprintf("p-%d-%d", i, j)).Node(name).Label("app", fmt.Sprintf("app%d", (i+j)%50)).Req("cpu", "500m", "memory", "1Gi")
			if antiEvery > 0 && (i*2+j)%antiEvery == 0 {
				p.Label("app", "cache").Affinity(anti)
			}
			pods = append(pods, p.Obj())
		}
	}
	return framework.NewSnapshot(nodes, pods)
}

func benchSchedule(b *testing.B, antiEvery int, pod *corev1.Pod) {
	snap := benchSnapshot(b, antiEvery)
	s := Default(rand.New(rand.NewPCG(1, 2)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.Schedule(pod, snap); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSchedule5000Nodes(b *testing.B) {
	benchSchedule(b, 0, ft.MakePod("incoming").Label("app", "web").Req("cpu", "100m", "memory", "128Mi").Obj())
}

// BenchmarkSchedule5000NodesAntiAffinity has 1,000 existing pods with required anti-affinity.
func BenchmarkSchedule5000NodesAntiAffinity(b *testing.B) {
	benchSchedule(b, 10, ft.MakePod("incoming").Label("app", "web").Req("cpu", "100m", "memory", "128Mi").Obj())
}

func BenchmarkScheduleSpread5000Nodes(b *testing.B) {
	benchSchedule(b, 0, ft.MakePod("incoming").Label("app", "app1").Req("cpu", "100m").
		Spread(1, "zone", corev1.DoNotSchedule, "app", "app1").
		Spread(1, "kubernetes.io/hostname", corev1.ScheduleAnyway, "app", "app1").Obj())
}
