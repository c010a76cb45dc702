package podtopologyspread

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"skiff/pkg/scheduler/framework"
	ft "skiff/pkg/scheduler/framework/frameworktest"
)

const (
	zone = "zone"
	host = "kubernetes.io/hostname"
)

func snapshot(taintB bool) *framework.Snapshot {
	b := func(name string) *corev1.Node {
		nb := ft.MakeNode(name).Label(zone, "b")
		if taintB {
			nb.Taint("dedicated", "x", corev1.TaintEffectNoSchedule)
		}
		return nb.Obj()
	}
	terminating := ft.MakePod("x4").Label("app", "x").Node("n4").Obj()
	terminating.DeletionTimestamp = &metav1.Time{}
	return framework.NewSnapshot(
		[]*corev1.Node{ft.MakeNode("n1").Label(zone, "a").Obj(), ft.MakeNode("n2").Label(zone, "a").Obj(), b("n3"), b("n4"), ft.MakeNode("n5").Obj()},
		[]*corev1.Pod{
			ft.MakePod("x1").Label("app", "x").Node("n1").Obj(),
			ft.MakePod("x2").Label("app", "x").Node("n1").Obj(),
			ft.MakePod("x3").Label("app", "x").Node("n3").Obj(),
			ft.MakePod("other-ns").Namespace("o").Label("app", "x").Node("n4").Obj(),
			terminating,
		})
}

// twoRequirements adds "app exists" to every constraint: same pods, but not a one-label
// selector, so counting visits the pods instead of the snapshot's label index.
func twoRequirements(p *corev1.Pod) *corev1.Pod {
	for i := range p.Spec.TopologySpreadConstraints {
		ls := p.Spec.TopologySpreadConstraints[i].LabelSelector
		ls.MatchExpressions = append(ls.MatchExpressions, metav1.LabelSelectorRequirement{Key: "app", Operator: metav1.LabelSelectorOpExists})
	}
	return p
}

func TestFilter(t *testing.T) {
	three := int32(3)
	honor := corev1.NodeInclusionPolicyHonor
	spread := func(key string) *ft.PodBuilder {
		return ft.MakePod("p").Label("app", "x").Spread(1, key, corev1.DoNotSchedule, "app", "x")
	}
	tests := []struct {
		name   string
		pod    *corev1.Pod
		taintB bool
		want   map[string]string
	}{
		{name: "zone skew", pod: spread(zone).Obj(),
			want: map[string]string{"n1": ErrReasonConstraintsNotMatch, "n2": ErrReasonConstraintsNotMatch, "n5": ErrReasonNodeLabelNotMatch}},
		{name: "zone skew, two-requirement selector (no label index)", pod: twoRequirements(spread(zone).Obj()),
			want: map[string]string{"n1": ErrReasonConstraintsNotMatch, "n2": ErrReasonConstraintsNotMatch, "n5": ErrReasonNodeLabelNotMatch}},
		{name: "hostname skew, two-requirement selector", pod: twoRequirements(spread(host).Obj()),
			want: map[string]string{"n1": ErrReasonConstraintsNotMatch, "n3": ErrReasonConstraintsNotMatch}},
		{name: "pod outside its own selector", pod: ft.MakePod("p").Spread(1, zone, corev1.DoNotSchedule, "app", "x").Obj(),
			want: map[string]string{"n5": ErrReasonNodeLabelNotMatch}},
		{name: "hostname skew", pod: spread(host).Obj(),
			want: map[string]string{"n1": ErrReasonConstraintsNotMatch, "n3": ErrReasonConstraintsNotMatch}},
		{name: "minDomains above domain count makes minimum 0", pod: func() *corev1.Pod {
			p := spread(zone).Obj()
			p.Spec.TopologySpreadConstraints[0].MinDomains = &three
			return p
		}(), want: map[string]string{"n1": ErrReasonConstraintsNotMatch, "n2": ErrReasonConstraintsNotMatch, "n3": ErrReasonConstraintsNotMatch, "n4": ErrReasonConstraintsNotMatch, "n5": ErrReasonNodeLabelNotMatch}},
		{name: "taints ignored by default", pod: spread(zone).Obj(), taintB: true,
			want: map[string]string{"n1": ErrReasonConstraintsNotMatch, "n2": ErrReasonConstraintsNotMatch, "n5": ErrReasonNodeLabelNotMatch}},
		{name: "nodeTaintsPolicy Honor drops tainted domain", pod: func() *corev1.Pod {
			p := spread(zone).Obj()
			p.Spec.TopologySpreadConstraints[0].NodeTaintsPolicy = &honor
			return p
		}(), taintB: true, want: map[string]string{"n5": ErrReasonNodeLabelNotMatch}},
		{name: "ScheduleAnyway does not filter", pod: ft.MakePod("p").Label("app", "x").Spread(1, zone, corev1.ScheduleAnyway, "app", "x").Obj(),
			want: map[string]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			snap := snapshot(tt.taintB)
			p := New()
			state := framework.NewCycleState()
			p.PreFilter(state, tt.pod, snap)
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

func TestRemovePodUpdatesCounts(t *testing.T) {
	snap := snapshot(false)
	pod := ft.MakePod("p").Label("app", "x").Spread(1, zone, corev1.DoNotSchedule, "app", "x").Obj()
	p := New()
	state := framework.NewCycleState()
	p.PreFilter(state, pod, snap)
	n1 := snap.Get("n1").Clone()
	cloned := state.Clone()
	p.RemovePod(cloned, pod, n1.RemovePod(ft.MakePod("x1").Obj()), n1)
	if st := p.Filter(cloned, pod, n1); !st.IsSuccess() {
		t.Errorf("after removing x1 from zone a: %v", st.Message())
	}
	if st := p.Filter(state, pod, snap.Get("n1")); st.IsSuccess() {
		t.Error("original state changed by the clone")
	}
}

func TestScore(t *testing.T) {
	pod := ft.MakePod("p").Label("app", "x").Spread(1, zone, corev1.ScheduleAnyway, "app", "x").Obj()
	hostPod := ft.MakePod("p").Label("app", "x").Spread(1, host, corev1.ScheduleAnyway, "app", "x").Obj()
	zoneWant := []framework.NodeScore{{Name: "n1", Score: 33}, {Name: "n2", Score: 33}, {Name: "n3", Score: 100}, {Name: "n4", Score: 100}, {Name: "n5", Score: 0}}
	// hostname: 5 domains, weight log(7)=1.95; n1 has 2 pods (raw 4), n3 1 (raw 2), others 0.
	hostWant := []framework.NodeScore{{Name: "n1", Score: 0}, {Name: "n2", Score: 100}, {Name: "n3", Score: 50}, {Name: "n4", Score: 100}, {Name: "n5", Score: 100}}
	tests := []struct {
		name string
		pod  *corev1.Pod
		want []framework.NodeScore
	}{
		{"zone, label index", pod, zoneWant},
		{"zone, pod scan", twoRequirements(pod.DeepCopy()), zoneWant},
		{"hostname, label index", hostPod, hostWant},
		{"hostname, pod scan", twoRequirements(hostPod.DeepCopy()), hostWant},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			snap := snapshot(false)
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
