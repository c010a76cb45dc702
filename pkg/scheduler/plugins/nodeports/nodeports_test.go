package nodeports

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"

	"skiff/pkg/scheduler/framework"
	ft "skiff/pkg/scheduler/framework/frameworktest"
)

func TestFilter(t *testing.T) {
	n := framework.NewNodeInfo(ft.MakeNode("n").Obj())
	n.AddPod(framework.NewPodInfo(ft.MakePod("e").HostPort("10.0.0.1", "", 8080).Obj()))
	tests := []struct {
		name string
		pod  *corev1.Pod
		want []string
	}{
		{"no ports", ft.MakePod("p").Obj(), nil},
		{"free port", ft.MakePod("p").HostPort("", "", 9090).Obj(), nil},
		{"clash via wildcard", ft.MakePod("p").HostPort("", corev1.ProtocolTCP, 8080).Obj(), []string{ErrReason}},
		{"other ip", ft.MakePod("p").HostPort("10.0.0.2", "", 8080).Obj(), nil},
		{"other protocol", ft.MakePod("p").HostPort("10.0.0.1", corev1.ProtocolUDP, 8080).Obj(), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := New()
			state := framework.NewCycleState()
			p.PreFilter(state, tt.pod, nil)
			st := p.Filter(state, tt.pod, n)
			if diff := cmp.Diff(tt.want, st.Reasons()); diff != "" {
				t.Errorf("reasons (-want +got):\n%s", diff)
			}
		})
	}
}
