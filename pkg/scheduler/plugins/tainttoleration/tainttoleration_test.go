package tainttoleration

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"

	"skiff/pkg/scheduler/framework"
	ft "skiff/pkg/scheduler/framework/frameworktest"
)

func TestFilter(t *testing.T) {
	cp := ft.MakeNode("n").Taint("node-role.kubernetes.io/control-plane", "", corev1.TaintEffectNoSchedule).Obj()
	tests := []struct {
		name string
		node *corev1.Node
		pod  *corev1.Pod
		want []string
	}{
		{"no taints", ft.MakeNode("n").Obj(), ft.MakePod("p").Obj(), nil},
		{"untolerated", cp, ft.MakePod("p").Obj(), []string{"node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }"}},
		{"tolerated by Exists", cp, ft.MakePod("p").Toleration("node-role.kubernetes.io/control-plane", "", "").Obj(), nil},
		{"NoExecute with value", ft.MakeNode("n").Taint("k", "v", corev1.TaintEffectNoExecute).Obj(), ft.MakePod("p").Toleration("k", "other", "").Obj(),
			[]string{"node(s) had untolerated taint {k: v}"}},
		{"equal value tolerated", ft.MakeNode("n").Taint("k", "v", corev1.TaintEffectNoExecute).Obj(), ft.MakePod("p").Toleration("k", "v", corev1.TaintEffectNoExecute).Obj(), nil},
		{"PreferNoSchedule ignored", ft.MakeNode("n").Taint("k", "v", corev1.TaintEffectPreferNoSchedule).Obj(), ft.MakePod("p").Obj(), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := New().Filter(framework.NewCycleState(), tt.pod, framework.NewNodeInfo(tt.node))
			if diff := cmp.Diff(tt.want, st.Reasons()); diff != "" {
				t.Errorf("reasons (-want +got):\n%s", diff)
			}
			if tt.want != nil && st.Code() != framework.UnschedulableAndUnresolvable {
				t.Errorf("code = %v", st.Code())
			}
		})
	}
}

func TestTolerates(t *testing.T) {
	taint := &corev1.Taint{Key: "gpu", Value: "4", Effect: corev1.TaintEffectNoSchedule}
	tests := []struct {
		name string
		tol  corev1.Toleration
		want bool
	}{
		{"empty key Exists", corev1.Toleration{Operator: corev1.TolerationOpExists}, true},
		{"Gt satisfied", corev1.Toleration{Key: "gpu", Operator: corev1.TolerationOpGt, Value: "2"}, true},
		{"Lt not satisfied", corev1.Toleration{Key: "gpu", Operator: corev1.TolerationOpLt, Value: "2"}, false},
		{"wrong effect", corev1.Toleration{Key: "gpu", Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute}, false},
		{"default operator is Equal", corev1.Toleration{Key: "gpu", Value: "4"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Tolerates([]corev1.Toleration{tt.tol}, taint); got != tt.want {
				t.Errorf("Tolerates = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestScore(t *testing.T) {
	nodes := []*corev1.Node{
		ft.MakeNode("clean").Obj(),
		ft.MakeNode("one").Taint("a", "", corev1.TaintEffectPreferNoSchedule).Obj(),
		ft.MakeNode("two").Taint("a", "", corev1.TaintEffectPreferNoSchedule).Taint("b", "", corev1.TaintEffectPreferNoSchedule).Obj(),
		ft.MakeNode("tolerated").Taint("c", "", corev1.TaintEffectPreferNoSchedule).Obj(),
	}
	pod := ft.MakePod("p").Toleration("c", "", corev1.TaintEffectPreferNoSchedule).Obj()
	p := New()
	state := framework.NewCycleState()
	p.PreScore(state, pod, nil, nil)
	var scores []framework.NodeScore
	for _, n := range nodes {
		s, _ := p.Score(state, pod, framework.NewNodeInfo(n))
		scores = append(scores, framework.NodeScore{Name: n.Name, Score: s})
	}
	p.NormalizeScore(state, pod, scores)
	want := []framework.NodeScore{{Name: "clean", Score: 100}, {Name: "one", Score: 50}, {Name: "two", Score: 0}, {Name: "tolerated", Score: 100}}
	if diff := cmp.Diff(want, scores); diff != "" {
		t.Errorf("scores (-want +got):\n%s", diff)
	}
}
