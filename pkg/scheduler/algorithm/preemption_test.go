package algorithm

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"skiff/pkg/scheduler/framework"
	ft "skiff/pkg/scheduler/framework/frameworktest"
)

func TestSelectVictims(t *testing.T) {
	never := corev1.PreemptNever
	base := func(lo3Priority int32, taintN1 bool) *framework.Snapshot {
		n1 := ft.MakeNode("n1").Capacity("cpu", "2")
		if taintN1 {
			n1.Taint("k", "", corev1.TaintEffectNoSchedule)
		}
		return framework.NewSnapshot(
			[]*corev1.Node{n1.Obj(), ft.MakeNode("n2").Capacity("cpu", "2").Obj(), ft.MakeNode("n3").Capacity("cpu", "2").Label("only", "n3").Obj()},
			[]*corev1.Pod{
				ft.MakePod("lo1").Node("n1").Priority(1).Req("cpu", "1").Obj(),
				ft.MakePod("lo2").Node("n1").Priority(1).Req("cpu", "1").Obj(),
				ft.MakePod("mid").Node("n2").Priority(5).Req("cpu", "1").Obj(),
				ft.MakePod("lo3").Node("n2").Priority(lo3Priority).Req("cpu", "1").Obj(),
				ft.MakePod("hi").Node("n3").Priority(100).Req("cpu", "2").Obj(),
			})
	}
	tests := []struct {
		name        string
		snap        *framework.Snapshot
		pod         *corev1.Pod
		wantNode    string
		wantVictims []string
		wantOK      bool
	}{
		{"lowest highest-victim priority", base(1, false), ft.MakePod("p").Priority(10).Req("cpu", "2").Obj(), "n1", []string{"lo1", "lo2"}, true},
		{"lower highest-victim priority", base(0, false), ft.MakePod("p").Priority(10).Req("cpu", "1").Obj(), "n2", []string{"lo3"}, true},
		{"smallest priority sum", framework.NewSnapshot(
			[]*corev1.Node{ft.MakeNode("n1").Capacity("cpu", "2").Obj(), ft.MakeNode("n2").Capacity("cpu", "2").Obj()},
			[]*corev1.Pod{
				ft.MakePod("a").Node("n1").Priority(1).Req("cpu", "1").Obj(), ft.MakePod("b").Node("n1").Priority(1).Req("cpu", "1").Obj(),
				ft.MakePod("c").Node("n2").Priority(1).Req("cpu", "1").Obj(), ft.MakePod("d").Node("n2").Priority(0).Req("cpu", "1").Obj(),
			}), ft.MakePod("p").Priority(10).Req("cpu", "2").Obj(), "n2", []string{"c", "d"}, true},
		{"fewest victims", framework.NewSnapshot(
			[]*corev1.Node{ft.MakeNode("n1").Capacity("cpu", "2").Obj(), ft.MakeNode("n2").Capacity("cpu", "2").Obj()},
			[]*corev1.Pod{
				ft.MakePod("a").Node("n1").Priority(1).Req("cpu", "1").Obj(), ft.MakePod("b").Node("n1").Priority(1).Req("cpu", "1").Obj(),
				ft.MakePod("c").Node("n2").Priority(1).Req("cpu", "2").Obj(),
			}), ft.MakePod("p").Priority(10).Req("cpu", "2").Obj(), "n2", []string{"c"}, true},
		{"tie keeps name order", base(1, false), ft.MakePod("p").Priority(10).Req("cpu", "1").Obj(), "n1", []string{"lo2"}, true},
		{"unresolvable node skipped", base(1, true), ft.MakePod("p").Priority(10).Req("cpu", "2").Obj(), "n2", []string{"mid", "lo3"}, true},
		{"preemptionPolicy Never", base(1, false), func() *corev1.Pod {
			p := ft.MakePod("p").Priority(10).Req("cpu", "2").Obj()
			p.Spec.PreemptionPolicy = &never
			return p
		}(), "", nil, false},
		{"nominated node still has a terminating victim", func() *framework.Snapshot {
			snap := base(1, false)
			lo := ft.MakePod("lo1").Node("n1").Priority(1).Req("cpu", "1").Obj()
			lo.DeletionTimestamp = &metav1.Time{}
			snap.AddPod(lo)
			return snap
		}(), func() *corev1.Pod {
			p := ft.MakePod("p").Priority(10).Req("cpu", "2").Obj()
			p.Status.NominatedNodeName = "n1"
			return p
		}(), "", nil, false},
		{"only higher-priority pods", base(1, false), ft.MakePod("p").Priority(10).Req("cpu", "1").NodeSelector("only", "n3").Obj(), "", nil, false},
		{"already fits", base(1, false), ft.MakePod("p").Priority(10).Obj(), "n1", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			node, victims, ok := SelectVictims(tt.pod, tt.snap, DefaultFilters())
			var names []string
			for _, v := range victims {
				names = append(names, v.Name)
			}
			got := []any{node, names, ok}
			if diff := cmp.Diff([]any{tt.wantNode, tt.wantVictims, tt.wantOK}, got); diff != "" {
				t.Errorf("(node victims ok) (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSelectVictimsPortsAndAntiAffinity(t *testing.T) {
	anti := &corev1.Affinity{PodAntiAffinity: &corev1.PodAntiAffinity{
		RequiredDuringSchedulingIgnoredDuringExecution: []corev1.PodAffinityTerm{ft.Term("kubernetes.io/hostname", "app", "x")},
	}}
	snap := framework.NewSnapshot(
		[]*corev1.Node{ft.MakeNode("n1").Obj(), ft.MakeNode("n2").Obj()},
		[]*corev1.Pod{
			ft.MakePod("x-hi").Node("n1").Priority(50).Label("app", "x").Obj(),
			ft.MakePod("x-lo").Node("n2").Priority(1).Label("app", "x").Obj(),
			ft.MakePod("port-lo").Node("n1").Priority(1).HostPort("", "", 80).Obj(),
			ft.MakePod("port-lo2").Node("n2").Priority(2).HostPort("", "", 80).Obj(),
		})
	tests := []struct {
		name        string
		pod         *corev1.Pod
		wantNode    string
		wantVictims []string
	}{
		{"anti-affinity victim", ft.MakePod("p").Priority(10).Affinity(anti).Obj(), "n2", []string{"x-lo"}},
		{"host port victim", ft.MakePod("p").Priority(10).HostPort("", "", 80).Obj(), "n1", []string{"port-lo"}},
		{"both", ft.MakePod("p").Priority(10).Affinity(anti).HostPort("", "", 80).Obj(), "n2", []string{"port-lo2", "x-lo"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			node, victims, ok := SelectVictims(tt.pod, snap, DefaultFilters())
			var names []string
			for _, v := range victims {
				names = append(names, v.Name)
			}
			if diff := cmp.Diff([]any{tt.wantNode, tt.wantVictims, true}, []any{node, names, ok}); diff != "" {
				t.Errorf("(node victims ok) (-want +got):\n%s", diff)
			}
		})
	}
}
