package algorithm

import (
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"

	"skiff/pkg/scheduler/framework"
	ft "skiff/pkg/scheduler/framework/frameworktest"
)

func TestFitErrorMessage(t *testing.T) {
	tests := []struct {
		name string
		err  *FitError
		want string
	}{
		{
			name: "upstream example",
			err: &FitError{NumAllNodes: 3, NodeToStatus: map[string]*framework.Status{
				"cp": framework.NewStatus(framework.UnschedulableAndUnresolvable, "node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }"),
				"w1": framework.NewStatus(framework.Unschedulable, "Insufficient cpu"),
				"w2": framework.NewStatus(framework.Unschedulable, "Insufficient cpu"),
			}},
			want: "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu.",
		},
		{
			name: "several reasons per node are each counted",
			err: &FitError{NumAllNodes: 2, NodeToStatus: map[string]*framework.Status{
				"a": framework.NewStatus(framework.Unschedulable, "Insufficient cpu", "Insufficient memory"),
				"b": framework.NewStatus(framework.Unschedulable, "Insufficient memory"),
			}},
			want: "0/2 nodes are available: 1 Insufficient cpu, 2 Insufficient memory.",
		},
		{
			name: "prefilter message and postfilter message",
			err:  &FitError{NumAllNodes: 5, PreFilterMsg: "boom", PostFilterMsg: "preemption: not helpful"},
			want: "0/5 nodes are available: boom. preemption: not helpful.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, tt.err.Error()); diff != "" {
				t.Errorf("Error() (-want +got):\n%s", diff)
			}
		})
	}
}

func TestScheduleFitErrorFromPlugins(t *testing.T) {
	snap := framework.NewSnapshot([]*corev1.Node{
		ft.MakeNode("cp").Capacity("cpu", "4").Taint("node-role.kubernetes.io/control-plane", "", corev1.TaintEffectNoSchedule).Obj(),
		ft.MakeNode("w1").Capacity("cpu", "1").Obj(),
		ft.MakeNode("w2").Capacity("cpu", "1").Obj(),
	}, nil)
	_, err := Default(rand.New(rand.NewPCG(1, 2))).Schedule(ft.MakePod("p").Req("cpu", "2").Obj(), snap)
	want := "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu."
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v, want %q", err, want)
	}
	fe, ok := err.(*FitError)
	if !ok || fe.NodeToStatus["w1"].Plugin() != "NodeResourcesFit" {
		t.Errorf("want *FitError naming NodeResourcesFit for w1, got %#v", err)
	}
}
