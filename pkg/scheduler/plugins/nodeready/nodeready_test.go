package nodeready

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
		{"ready", ft.MakeNode("n").Obj(), ft.MakePod("p").Obj(), nil},
		{"not ready", ft.MakeNode("n").Ready(corev1.ConditionFalse).Obj(), ft.MakePod("p").Obj(), []string{ErrReason}},
		{"unknown", ft.MakeNode("n").Ready(corev1.ConditionUnknown).Obj(), ft.MakePod("p").Obj(), []string{ErrReason}},
		{"missing condition", ft.MakeNode("n").Ready("").Obj(), ft.MakePod("p").Obj(), []string{ErrReason}},
		{"tolerates everything", ft.MakeNode("n").Ready(corev1.ConditionFalse).Obj(), ft.MakePod("p").Toleration("", "", "").Obj(), nil},
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
