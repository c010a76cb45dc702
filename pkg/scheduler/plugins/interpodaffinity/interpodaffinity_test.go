package interpodaffinity

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"

	"skiff/pkg/scheduler/framework"
	ft "skiff/pkg/scheduler/framework/frameworktest"
)

const (
	zone = "zone"
	host = "kubernetes.io/hostname"
)

func snapshot() *framework.Snapshot {
	fan := &corev1.Affinity{PodAffinity: &corev1.PodAffinity{PreferredDuringSchedulingIgnoredDuringExecution: []corev1.WeightedPodAffinityTerm{
		{Weight: 20, PodAffinityTerm: ft.Term(zone, "app", "front")},
	}}}
	return framework.NewSnapshot(
		[]*corev1.Node{
			ft.MakeNode("n1").Label(zone, "a").Obj(), ft.MakeNode("n2").Label(zone, "a").Obj(),
			ft.MakeNode("n3").Label(zone, "b").Obj(), ft.MakeNode("n4").Obj(),
		},
		[]*corev1.Pod{
			ft.MakePod("web").Label("app", "web").Node("n1").Obj(),
			ft.MakePod("db").Label("app", "db").Node("n3").Affinity(antiAffinity(ft.Term(host, "app", "front"))).Obj(),
			ft.MakePod("fan").Node("n2").Affinity(fan).Obj(),
		})
}

func affinity(terms ...corev1.PodAffinityTerm) *corev1.Affinity {
	return &corev1.Affinity{PodAffinity: &corev1.PodAffinity{RequiredDuringSchedulingIgnoredDuringExecution: terms}}
}

func antiAffinity(terms ...corev1.PodAffinityTerm) *corev1.Affinity {
	return &corev1.Affinity{PodAntiAffinity: &corev1.PodAntiAffinity{RequiredDuringSchedulingIgnoredDuringExecution: terms}}
}

func TestFilter(t *testing.T) {
	tests := []struct {
		name string
		pod  *corev1.Pod
		want map[string]string
	}{
		{"affinity to web's zone", ft.MakePod("p").Affinity(affinity(ft.Term(zone, "app", "web"))).Obj(),
			map[string]string{"n3": ErrReasonAffinityRulesNotMatch, "n4": ErrReasonAffinityRulesNotMatch}},
		{"anti-affinity to web's zone", ft.MakePod("p").Affinity(antiAffinity(ft.Term(zone, "app", "web"))).Obj(),
			map[string]string{"n1": ErrReasonAntiAffinityRulesNotMatch, "n2": ErrReasonAntiAffinityRulesNotMatch}},
		{"existing pod's anti-affinity", ft.MakePod("p").Label("app", "front").Obj(),
			map[string]string{"n3": ErrReasonExistingAntiAffinityRulesNotMatch}},
		{"first pod of a self-affine group", ft.MakePod("p").Label("app", "self").Affinity(affinity(ft.Term(zone, "app", "self"))).Obj(),
			map[string]string{"n4": ErrReasonAffinityRulesNotMatch}},
		{"affinity to nothing", ft.MakePod("p").Affinity(affinity(ft.Term(zone, "app", "none"))).Obj(),
			map[string]string{"n1": ErrReasonAffinityRulesNotMatch, "n2": ErrReasonAffinityRulesNotMatch, "n3": ErrReasonAffinityRulesNotMatch, "n4": ErrReasonAffinityRulesNotMatch}},
		{"other namespace not selected", ft.MakePod("p").Namespace("other").Label("app", "front").Affinity(antiAffinity(ft.Term(zone, "app", "web"))).Obj(),
			map[string]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			snap := snapshot()
			p := New()
			state := framework.NewCycleState()
			if st := p.PreFilter(state, tt.pod, snap); !st.IsSuccess() {
				t.Fatal(st.Message())
			}
			got := map[string]string{}
			for _, n := range snap.Nodes() {
				if st := p.Filter(state, tt.pod, n); !st.IsSuccess() {
					got[n.Name()] = st.Message()
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("failures (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRemovePodLiftsAntiAffinity(t *testing.T) {
	snap := snapshot()
	pod := ft.MakePod("p").Label("app", "front").Obj()
	p := New()
	state := framework.NewCycleState()
	p.PreFilter(state, pod, snap)
	n3 := snap.Get("n3")
	clone, cloned := n3.Clone(), state.Clone()
	removed := clone.RemovePod(ft.MakePod("db").Obj())
	p.RemovePod(cloned, pod, removed, clone)
	if st := p.Filter(cloned, pod, clone); !st.IsSuccess() {
		t.Errorf("after removing db: %v", st.Message())
	}
	if st := p.Filter(state, pod, n3); st.IsSuccess() {
		t.Error("original state changed by the clone")
	}
}

func TestScore(t *testing.T) {
	preferred := &corev1.Affinity{
		PodAffinity: &corev1.PodAffinity{PreferredDuringSchedulingIgnoredDuringExecution: []corev1.WeightedPodAffinityTerm{
			{Weight: 10, PodAffinityTerm: ft.Term(zone, "app", "web")}}},
		PodAntiAffinity: &corev1.PodAntiAffinity{PreferredDuringSchedulingIgnoredDuringExecution: []corev1.WeightedPodAffinityTerm{
			{Weight: 5, PodAffinityTerm: ft.Term(host, "app", "db")}}},
	}
	tests := []struct {
		name string
		pod  *corev1.Pod
		want []framework.NodeScore
	}{
		{"incoming preferred terms", ft.MakePod("p").Affinity(preferred).Obj(),
			[]framework.NodeScore{{Name: "n1", Score: 100}, {Name: "n2", Score: 100}, {Name: "n3", Score: 0}, {Name: "n4", Score: 33}}},
		{"existing pod prefers the incoming one", ft.MakePod("p").Label("app", "front").Obj(),
			[]framework.NodeScore{{Name: "n1", Score: 100}, {Name: "n2", Score: 100}, {Name: "n3", Score: 0}, {Name: "n4", Score: 0}}},
		{"no terms anywhere", ft.MakePod("p").Obj(),
			[]framework.NodeScore{{Name: "n1", Score: 0}, {Name: "n2", Score: 0}, {Name: "n3", Score: 0}, {Name: "n4", Score: 0}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			snap := snapshot()
			p := New()
			state := framework.NewCycleState()
			p.PreScore(state, tt.pod, snap, snap.Nodes())
			var got []framework.NodeScore
			for _, n := range snap.Nodes() {
				s, _ := p.Score(state, tt.pod, n)
				got = append(got, framework.NodeScore{Name: n.Name(), Score: s})
			}
			p.NormalizeScore(state, tt.pod, got)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("scores (-want +got):\n%s", diff)
			}
		})
	}
}
