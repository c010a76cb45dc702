package framework_test

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"skiff/pkg/scheduler/framework"
	ft "skiff/pkg/scheduler/framework/frameworktest"
)

type nodeSummary struct {
	Pods     []string
	MilliCPU int64
	NonZero  int64
	Ports    int
}

func summarize(s *framework.Snapshot) map[string]nodeSummary {
	out := map[string]nodeSummary{}
	for _, n := range s.Nodes() {
		var pods []string
		for _, p := range n.Pods {
			pods = append(pods, p.Pod.Name)
		}
		slices.Sort(pods)
		out[n.Name()] = nodeSummary{Pods: pods, MilliCPU: n.Requested.MilliCPU, NonZero: n.NonZeroRequested.MilliCPU, Ports: len(n.UsedPorts)}
	}
	return out
}

func TestSnapshot(t *testing.T) {
	anti := &corev1.Affinity{PodAntiAffinity: &corev1.PodAntiAffinity{
		RequiredDuringSchedulingIgnoredDuringExecution: []corev1.PodAffinityTerm{ft.Term("kubernetes.io/hostname", "app", "a")},
	}}
	tests := []struct {
		name     string
		mutate   func(s *framework.Snapshot)
		want     map[string]nodeSummary
		wantAnti []string
	}{
		{
			name: "initial",
			want: map[string]nodeSummary{
				"a": {Pods: []string{"p1", "p2"}, MilliCPU: 300, NonZero: 300, Ports: 1},
				"b": {Pods: []string{"p3"}, NonZero: 100},
			},
			wantAnti: []string{"b"},
		},
		{
			name:   "remove pod",
			mutate: func(s *framework.Snapshot) { s.RemovePod(ft.MakePod("p1").Obj()) },
			want: map[string]nodeSummary{
				"a": {Pods: []string{"p2"}, MilliCPU: 200, NonZero: 200},
				"b": {Pods: []string{"p3"}, NonZero: 100},
			},
			wantAnti: []string{"b"},
		},
		{
			name:   "add pod moves it",
			mutate: func(s *framework.Snapshot) { s.AddPod(ft.MakePod("p3").Node("a").Obj()) },
			want: map[string]nodeSummary{
				"a": {Pods: []string{"p1", "p2", "p3"}, MilliCPU: 300, NonZero: 400, Ports: 1},
				"b": {NonZero: 0},
			},
		},
		{
			name:   "terminated pod removed",
			mutate: func(s *framework.Snapshot) { s.AddPod(ft.MakePod("p2").Node("a").Phase(corev1.PodSucceeded).Obj()) },
			want: map[string]nodeSummary{
				"a": {Pods: []string{"p1"}, MilliCPU: 100, NonZero: 100, Ports: 1},
				"b": {Pods: []string{"p3"}, NonZero: 100},
			},
			wantAnti: []string{"b"},
		},
		{
			name: "pod before node, then node arrives sorted",
			mutate: func(s *framework.Snapshot) {
				s.AddPod(ft.MakePod("p9").Node("c").Req("cpu", "1").Obj())
				s.SetNode(ft.MakeNode("c").Obj())
				s.SetNode(ft.MakeNode("0").Obj())
			},
			want: map[string]nodeSummary{
				"0": {},
				"a": {Pods: []string{"p1", "p2"}, MilliCPU: 300, NonZero: 300, Ports: 1},
				"b": {Pods: []string{"p3"}, NonZero: 100},
				"c": {Pods: []string{"p9"}, MilliCPU: 1000, NonZero: 1000},
			},
			wantAnti: []string{"b"},
		},
		{
			name:   "remove node hides it and its pods",
			mutate: func(s *framework.Snapshot) { s.RemoveNode("b") },
			want: map[string]nodeSummary{
				"a": {Pods: []string{"p1", "p2"}, MilliCPU: 300, NonZero: 300, Ports: 1},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := framework.NewSnapshot(
				[]*corev1.Node{ft.MakeNode("b").Obj(), ft.MakeNode("a").Obj()},
				[]*corev1.Pod{
					ft.MakePod("p1").Node("a").Req("cpu", "100m").HostPort("", "", 80).Obj(),
					ft.MakePod("p2").Node("a").Req("cpu", "200m").Obj(),
					ft.MakePod("p3").Node("b").Req("memory", "1Mi").Affinity(anti).Obj(),
					ft.MakePod("pending").Obj(),
					ft.MakePod("done").Node("a").Phase(corev1.PodFailed).Req("cpu", "1").Obj(),
				})
			if tt.mutate != nil {
				tt.mutate(s)
			}
			if diff := cmp.Diff(tt.want, summarize(s)); diff != "" {
				t.Errorf("nodes (-want +got):\n%s", diff)
			}
			var names []string
			for _, n := range s.Nodes() {
				names = append(names, n.Name())
			}
			if !slices.IsSorted(names) {
				t.Errorf("nodes not sorted: %v", names)
			}
			var anti []string
			for n := range s.NodesWithRequiredAntiAffinityPods() {
				anti = append(anti, n.Name())
			}
			if diff := cmp.Diff(tt.wantAnti, anti); diff != "" {
				t.Errorf("anti-affinity index (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNodeInfoCloneIsIndependent(t *testing.T) {
	n := framework.NewNodeInfo(ft.MakeNode("a").Capacity("cpu", "1").Obj())
	p := ft.MakePod("p").Req("cpu", "500m").HostPort("", "", 80).Obj()
	n.AddPod(framework.NewPodInfo(p))
	c := n.Clone()
	if c.RemovePod(p) == nil {
		t.Fatal("RemovePod on clone found nothing")
	}
	if len(n.Pods) != 1 || n.Requested.MilliCPU != 500 || len(n.UsedPorts) != 1 {
		t.Errorf("original changed: pods=%d cpu=%d ports=%d", len(n.Pods), n.Requested.MilliCPU, len(n.UsedPorts))
	}
	if len(c.Pods) != 0 || c.Requested.MilliCPU != 0 || len(c.UsedPorts) != 0 {
		t.Errorf("clone not emptied: pods=%d cpu=%d ports=%d", len(c.Pods), c.Requested.MilliCPU, len(c.UsedPorts))
	}
}

func TestAffinityTermMatches(t *testing.T) {
	owner := ft.MakePod("o").Namespace("ns1").Label("v", "1").Obj()
	term := ft.Term("zone", "app", "a")
	term.MatchLabelKeys = []string{"v"}
	all := ft.Term("zone", "app", "a")
	all.NamespaceSelector = &metav1.LabelSelector{}
	tests := []struct {
		name string
		term corev1.PodAffinityTerm
		pod  *corev1.Pod
		want bool
	}{
		{"same namespace and labels", term, ft.MakePod("p").Namespace("ns1").Label("app", "a").Label("v", "1").Obj(), true},
		{"matchLabelKeys value differs", term, ft.MakePod("p").Namespace("ns1").Label("app", "a").Label("v", "2").Obj(), false},
		{"other namespace", term, ft.MakePod("p").Namespace("ns2").Label("app", "a").Label("v", "1").Obj(), false},
		{"empty namespace selector = all", all, ft.MakePod("p").Namespace("ns2").Label("app", "a").Obj(), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := owner.DeepCopy()
			o.Spec.Affinity = &corev1.Affinity{PodAffinity: &corev1.PodAffinity{RequiredDuringSchedulingIgnoredDuringExecution: []corev1.PodAffinityTerm{tt.term}}}
			pi := framework.NewPodInfo(o)
			if got := pi.RequiredAffinity[0].Matches(tt.pod, nil); got != tt.want {
				t.Errorf("Matches = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestAffinityIndexes(t *testing.T) {
	anti := &corev1.Affinity{PodAntiAffinity: &corev1.PodAntiAffinity{
		RequiredDuringSchedulingIgnoredDuringExecution: []corev1.PodAffinityTerm{ft.Term("kubernetes.io/hostname", "app", "a")},
	}}
	pref := &corev1.Affinity{PodAffinity: &corev1.PodAffinity{
		PreferredDuringSchedulingIgnoredDuringExecution: []corev1.WeightedPodAffinityTerm{{Weight: 1, PodAffinityTerm: ft.Term("zone", "app", "a")}},
	}}
	names := func(seq func(func(*framework.NodeInfo) bool)) []string {
		var out []string
		for n := range seq {
			out = append(out, n.Name())
		}
		slices.Sort(out)
		return out
	}
	s := framework.NewSnapshot(
		[]*corev1.Node{ft.MakeNode("n1").Obj(), ft.MakeNode("n2").Obj(), ft.MakeNode("n3").Obj()},
		[]*corev1.Pod{
			ft.MakePod("a1").Node("n1").Affinity(anti).Obj(),
			ft.MakePod("a2").Node("n2").Affinity(anti).Obj(),
			ft.MakePod("a3").Node("n3").Affinity(anti).Obj(),
			ft.MakePod("p2").Node("n2").Affinity(pref).Obj(),
		})
	s.RemovePod(ft.MakePod("a1").Obj())
	s.RemoveNode("n3")
	got := [][]string{names(s.NodesWithRequiredAntiAffinityPods()), names(s.NodesWithAffinityPods())}
	if diff := cmp.Diff([][]string{{"n2"}, {"n2"}}, got); diff != "" {
		t.Errorf("[anti affinity] (-want +got):\n%s", diff)
	}
	s.SetNode(ft.MakeNode("n3").Obj())
	s.RemovePod(ft.MakePod("p2").Obj())
	got = [][]string{names(s.NodesWithRequiredAntiAffinityPods()), names(s.NodesWithAffinityPods())}
	if diff := cmp.Diff([][]string{{"n2", "n3"}, nil}, got); diff != "" {
		t.Errorf("after re-adding n3 (-want +got):\n%s", diff)
	}
}
