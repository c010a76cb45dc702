package algorithm

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"

	"skiff/pkg/scheduler/framework"
	ft "skiff/pkg/scheduler/framework/frameworktest"
)

func TestSchedule(t *testing.T) {
	nodes := func() []*corev1.Node {
		return []*corev1.Node{
			ft.MakeNode("big").Capacity("cpu", "8", "memory", "16Gi").Label("zone", "a").Obj(),
			ft.MakeNode("small").Capacity("cpu", "2", "memory", "4Gi").Label("zone", "b").Obj(),
			ft.MakeNode("busy").Capacity("cpu", "8", "memory", "16Gi").Label("zone", "b").Obj(),
			ft.MakeNode("tainted").Capacity("cpu", "8", "memory", "16Gi").Taint("k", "", corev1.TaintEffectPreferNoSchedule).Obj(),
		}
	}
	pods := []*corev1.Pod{ft.MakePod("hog").Node("busy").Req("cpu", "6", "memory", "12Gi").Label("app", "db").Obj()}
	tests := []struct {
		name string
		pod  *corev1.Pod
		want string
	}{
		{"least allocated wins, PreferNoSchedule avoided", ft.MakePod("p").Req("cpu", "1", "memory", "1Gi").Obj(), "big"},
		{"node selector", ft.MakePod("p").NodeSelector("zone", "b").Obj(), "small"},
		{"node name", ft.MakePod("p").Node("busy").Obj(), "busy"},
		{"affinity to db", ft.MakePod("p").Affinity(&corev1.Affinity{PodAffinity: &corev1.PodAffinity{
			RequiredDuringSchedulingIgnoredDuringExecution: []corev1.PodAffinityTerm{ft.Term("zone", "app", "db")}}}).Req("cpu", "1").Obj(), "small"},
		{"nominated node that fits wins", func() *corev1.Pod {
			p := ft.MakePod("p").Obj()
			p.Status.NominatedNodeName = "busy"
			return p
		}(), "busy"},
		{"nominated node that does not fit is ignored", func() *corev1.Pod {
			p := ft.MakePod("p").Req("cpu", "4").Obj()
			p.Status.NominatedNodeName = "busy"
			return p
		}(), "big"},
		{"tolerating the taint makes it equal to big; seeded tie-break", ft.MakePod("p").Toleration("k", "", "").Obj(), "tainted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			snap := framework.NewSnapshot(nodes(), pods)
			d, err := Default(rand.New(rand.NewPCG(1, 2))).Schedule(tt.pod, snap)
			if err != nil {
				t.Fatal(err)
			}
			if d.Node != tt.want {
				t.Errorf("node = %q, want %q", d.Node, tt.want)
			}
		})
	}
}

func TestScheduleDeterministicAndRotating(t *testing.T) {
	var nodes []*corev1.Node
	for i := range 300 {
		nodes = append(nodes, ft.MakeNode(fmt.Sprintf("n%03d", i)).Capacity("cpu", "4", "memory", "8Gi").Obj())
	}
	snap := framework.NewSnapshot(nodes, nil)
	run := func() []string {
		s := Default(rand.New(rand.NewPCG(7, 7)))
		var got []string
		for range 3 {
			d, err := s.Schedule(ft.MakePod("p").Obj(), snap)
			if err != nil {
				t.Fatal(err)
			}
			if d.EvaluatedNodes != 144 {
				t.Errorf("evaluated %d nodes, want 144 (48%% of 300)", d.EvaluatedNodes)
			}
			got = append(got, d.Node)
		}
		return got
	}
	first := run()
	if diff := cmp.Diff(first, run()); diff != "" {
		t.Errorf("same seed, different picks (-first +second):\n%s", diff)
	}
	if first[0] >= "n144" || first[1] < "n144" || first[1] >= "n288" {
		t.Errorf("picks %v do not follow the rotating start", first)
	}
}

func TestNumFeasibleNodesToFind(t *testing.T) {
	tests := []struct {
		percentage int32
		total      int
		want       int
	}{
		{0, 50, 50}, {0, 100, 100}, {0, 300, 144}, {0, 1000, 420}, {0, 5000, 500},
		{0, 6000, 300}, {0, 1000000, 50000}, {30, 1000, 300}, {100, 1000, 1000}, {1, 1000, 100},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d%%-of-%d", tt.percentage, tt.total), func(t *testing.T) {
			if got := numFeasibleNodesToFind(tt.percentage, tt.total); got != tt.want {
				t.Errorf("got %d, want %d", got, tt.want)
			}
		})
	}
}

func TestScheduleNoNodes(t *testing.T) {
	_, err := Default(rand.New(rand.NewPCG(1, 1))).Schedule(ft.MakePod("p").Obj(), framework.NewSnapshot(nil, nil))
	if !errors.Is(err, ErrNoNodesAvailable) {
		t.Errorf("err = %v, want ErrNoNodesAvailable", err)
	}
}
