package noderesources

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"

	"skiff/pkg/scheduler/framework"
	ft "skiff/pkg/scheduler/framework/frameworktest"
)

func nodeWith(node *corev1.Node, pods ...*corev1.Pod) *framework.NodeInfo {
	n := framework.NewNodeInfo(node)
	for _, p := range pods {
		n.AddPod(framework.NewPodInfo(p))
	}
	return n
}

func TestFitFilter(t *testing.T) {
	node := ft.MakeNode("n").Capacity("cpu", "2", "memory", "2Gi", "pods", "2", "example.com/gpu", "1").Obj()
	existing := ft.MakePod("e").Req("cpu", "1500m", "memory", "1Gi").Obj()
	tests := []struct {
		name     string
		pod      *corev1.Pod
		existing []*corev1.Pod
		want     []string
		wantCode framework.Code
	}{
		{name: "fits", pod: ft.MakePod("p").Req("cpu", "500m").Obj(), existing: []*corev1.Pod{existing}},
		{name: "cpu short", pod: ft.MakePod("p").Req("cpu", "600m").Obj(), existing: []*corev1.Pod{existing},
			want: []string{"Insufficient cpu"}, wantCode: framework.Unschedulable},
		{name: "cpu and memory short", pod: ft.MakePod("p").Req("cpu", "1", "memory", "1500Mi").Obj(), existing: []*corev1.Pod{existing},
			want: []string{"Insufficient cpu", "Insufficient memory"}, wantCode: framework.Unschedulable},
		{name: "too many pods", pod: ft.MakePod("p").Obj(), existing: []*corev1.Pod{ft.MakePod("a").Obj(), ft.MakePod("b").Obj()},
			want: []string{"Too many pods"}, wantCode: framework.Unschedulable},
		{name: "larger than node is unresolvable", pod: ft.MakePod("p").Req("cpu", "3").Obj(),
			want: []string{"Insufficient cpu"}, wantCode: framework.UnschedulableAndUnresolvable},
		{name: "extended resource", pod: ft.MakePod("p").Req("example.com/gpu", "1").Obj(), existing: []*corev1.Pod{ft.MakePod("g").Req("example.com/gpu", "1").Obj()},
			want: []string{"Insufficient example.com/gpu"}, wantCode: framework.Unschedulable},
		{name: "ephemeral storage without allocatable", pod: ft.MakePod("p").Req("ephemeral-storage", "1Gi").Obj(),
			want: []string{"Insufficient ephemeral-storage"}, wantCode: framework.UnschedulableAndUnresolvable},
		{name: "init container counted", pod: ft.MakePod("p").Init(false, "cpu", "1").Obj(), existing: []*corev1.Pod{existing},
			want: []string{"Insufficient cpu"}, wantCode: framework.Unschedulable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := NewFit()
			state := framework.NewCycleState()
			f.PreFilter(state, tt.pod, nil)
			st := f.Filter(state, tt.pod, nodeWith(node, tt.existing...))
			if diff := cmp.Diff(tt.want, st.Reasons()); diff != "" {
				t.Errorf("reasons (-want +got):\n%s", diff)
			}
			if st.Code() != tt.wantCode {
				t.Errorf("code = %v, want %v", st.Code(), tt.wantCode)
			}
		})
	}
}

func TestScores(t *testing.T) {
	node := ft.MakeNode("n").Capacity("cpu", "4", "memory", "4Gi").Obj()
	tests := []struct {
		name         string
		pod          *corev1.Pod
		existing     []*corev1.Pod
		wantLeast    int64
		wantBalanced int64
	}{
		{name: "empty node", pod: ft.MakePod("p").Req("cpu", "1", "memory", "1Gi").Obj(), wantLeast: 75, wantBalanced: 100},
		{name: "half cpu", pod: ft.MakePod("p").Req("cpu", "2", "memory", "0").Obj(), wantLeast: 75, wantBalanced: 75},
		{name: "defaults for missing requests", pod: ft.MakePod("p").Obj(),
			existing: []*corev1.Pod{ft.MakePod("e").Req("cpu", "1900m", "memory", "1848Mi").Obj()}, wantLeast: 50, wantBalanced: 100},
		{name: "over-committed scores zero for that resource", pod: ft.MakePod("p").Req("cpu", "5", "memory", "2Gi").Obj(), wantLeast: 25, wantBalanced: 75},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := nodeWith(node, tt.existing...)
			state := framework.NewCycleState()
			least, balanced := NewLeastAllocated(), NewBalancedAllocation()
			least.PreScore(state, tt.pod, nil, nil)
			l, _ := least.Score(state, tt.pod, n)
			b, _ := balanced.Score(state, tt.pod, n)
			if diff := cmp.Diff([2]int64{tt.wantLeast, tt.wantBalanced}, [2]int64{l, b}); diff != "" {
				t.Errorf("[least balanced] (-want +got):\n%s", diff)
			}
		})
	}
}
