package nodename

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
		pod  *corev1.Pod
		want []string
	}{
		{"no node name", ft.MakePod("p").Obj(), nil},
		{"same node", ft.MakePod("p").Node("n1").Obj(), nil},
		{"other node", ft.MakePod("p").Node("n2").Obj(), []string{ErrReason}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := New().Filter(framework.NewCycleState(), tt.pod, framework.NewNodeInfo(ft.MakeNode("n1").Obj()))
			if diff := cmp.Diff(tt.want, st.Reasons()); diff != "" {
				t.Errorf("reasons (-want +got):\n%s", diff)
			}
			if tt.want != nil && st.Code() != framework.UnschedulableAndUnresolvable {
				t.Errorf("code = %v", st.Code())
			}
		})
	}
}
