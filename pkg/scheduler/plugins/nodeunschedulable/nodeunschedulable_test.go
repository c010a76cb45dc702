package nodeunschedulable

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"

	"skiff/pkg/scheduler/framework"
	ft "skiff/pkg/scheduler/framework/frameworktest"
)

func TestFilter(t *testing.T) {
	tests := []struct {
		name string
		node *corev1.Node
		pod  *corev1.Pod
		want []string
	}{
		{"schedulable", ft.MakeNode("n").Obj(), ft.MakePod("p").Obj(), nil},
		{"cordoned", ft.MakeNode("n").Unschedulable().Obj(), ft.MakePod("p").Obj(), []string{ErrReason}},
		{"cordoned but tolerated", ft.MakeNode("n").Unschedulable().Obj(),
			ft.MakePod("p").Toleration(corev1.TaintNodeUnschedulable, "", corev1.TaintEffectNoSchedule).Obj(), nil},
		{"wrong effect tolerated", ft.MakeNode("n").Unschedulable().Obj(),
			ft.MakePod("p").Toleration(corev1.TaintNodeUnschedulable, "", corev1.TaintEffectNoExecute).Obj(), []string{ErrReason}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := New().Filter(framework.NewCycleState(), tt.pod, framework.NewNodeInfo(tt.node))
			if diff := cmp.Diff(tt.want, st.Reasons()); diff != "" {
				t.Errorf("reasons (-want +got):\n%s", diff)
			}
		})
	}
}
