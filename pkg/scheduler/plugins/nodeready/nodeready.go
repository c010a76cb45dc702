// Package nodeready filters out nodes whose Ready condition is not True (missing, False
// or Unknown), unless the pod tolerates the node.kubernetes.io/not-ready:NoSchedule taint
// that upstream's node lifecycle controller would put on such a node.
package nodeready

import (
	corev1 "k8s.io/api/core/v1"

	"skiff/pkg/scheduler/framework"
	"skiff/pkg/scheduler/plugins/tainttoleration"
)

// Name is the plugin name.
const Name = "NodeReady"

// ErrReason is the failure reason.
const ErrReason = "node(s) were not ready"

// NodeReady is the filter; the zero value is ready to use.
type NodeReady struct{}

var _ framework.FilterPlugin = (*NodeReady)(nil)

// New returns the plugin.
func New() *NodeReady { return &NodeReady{} }

// Name returns Name.
func (*NodeReady) Name() string { return Name }

// Filter rejects (UnschedulableAndUnresolvable) a node that is not Ready.
func (*NodeReady) Filter(_ *framework.CycleState, pod *corev1.Pod, n *framework.NodeInfo) *framework.Status {
	if ready(n.Node) {
		return nil
	}
	taint := corev1.Taint{Key: corev1.TaintNodeNotReady, Effect: corev1.TaintEffectNoSchedule}
	if tainttoleration.Tolerates(pod.Spec.Tolerations, &taint) {
		return nil
	}
	return framework.NewStatus(framework.UnschedulableAndUnresolvable, ErrReason)
}

func ready(node *corev1.Node) bool {
	for _, c := range node.Status.Conditions {
		if c.Type == corev1.NodeReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}
