package nodeaffinity

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"

	"skiff/pkg/scheduler/framework"
	ft "skiff/pkg/scheduler/framework/frameworktest"
)

func requireZone(op corev1.NodeSelectorOperator, values ...string) *corev1.Affinity {
	return &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{
		RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{NodeSelectorTerms: []corev1.NodeSelectorTerm{{
			MatchExpressions: []corev1.NodeSelectorRequirement{{Key: "zone", Operator: op, Values: values}},
		}}},
	}}
}

func TestFilter(t *testing.T) {
	node := ft.MakeNode("n").Label("zone", "a").Label("disk", "ssd").Obj()
	tests := []struct {
		name string
		pod  *corev1.Pod
		want []string
	}{
		{"nothing required", ft.MakePod("p").Obj(), nil},
		{"selector matches", ft.MakePod("p").NodeSelector("disk", "ssd").Obj(), nil},
		{"selector mismatch", ft.MakePod("p").NodeSelector("disk", "hdd").Obj(), []string{ErrReason}},
		{"affinity In", ft.MakePod("p").Affinity(requireZone(corev1.NodeSelectorOpIn, "a", "b")).Obj(), nil},
		{"affinity NotIn", ft.MakePod("p").Affinity(requireZone(corev1.NodeSelectorOpNotIn, "a")).Obj(), []string{ErrReason}},
		{"selector and affinity both needed", ft.MakePod("p").NodeSelector("disk", "hdd").Affinity(requireZone(corev1.NodeSelectorOpIn, "a")).Obj(), []string{ErrReason}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := New()
			state := framework.NewCycleState()
			p.PreFilter(state, tt.pod, nil)
			st := p.Filter(state, tt.pod, framework.NewNodeInfo(node))
			if diff := cmp.Diff(tt.want, st.Reasons()); diff != "" {
				t.Errorf("reasons (-want +got):\n%s", diff)
			}
		})
	}
}

func TestScore(t *testing.T) {
	pref := func(w int32, zone string) corev1.PreferredSchedulingTerm {
		return corev1.PreferredSchedulingTerm{Weight: w, Preference: corev1.NodeSelectorTerm{
			MatchExpressions: []corev1.NodeSelectorRequirement{{Key: "zone", Operator: corev1.NodeSelectorOpIn, Values: []string{zone}}},
		}}
	}
	pod := ft.MakePod("p").Affinity(&corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{
		PreferredDuringSchedulingIgnoredDuringExecution: []corev1.PreferredSchedulingTerm{pref(4, "a"), pref(1, "b")},
	}}).Obj()
	p := New()
	state := framework.NewCycleState()
	if st := p.PreScore(state, pod, nil, nil); !st.IsSuccess() {
		t.Fatal(st.Message())
	}
	var scores []framework.NodeScore
	for _, z := range []string{"a", "b", "c"} {
		s, _ := p.Score(state, pod, framework.NewNodeInfo(ft.MakeNode(z).Label("zone", z).Obj()))
		scores = append(scores, framework.NodeScore{Name: z, Score: s})
	}
	p.NormalizeScore(state, pod, scores)
	want := []framework.NodeScore{{Name: "a", Score: 100}, {Name: "b", Score: 25}, {Name: "c", Score: 0}}
	if diff := cmp.Diff(want, scores); diff != "" {
		t.Errorf("scores (-want +got):\n%s", diff)
	}
}
