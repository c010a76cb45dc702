// Package nodeunschedulable filters out cordoned nodes (spec.unschedulable) unless the pod
// tolerates the node.kubernetes.io/unschedulable:NoSchedule taint.
package nodeunschedulable

import (
	corev1 "k8s.io/api/core/v1"

	"skiff/pkg/scheduler/framework"
	"skiff/pkg/scheduler/plugins/tainttoleration"
)

// Name is the plugin name.
const Name = "NodeUnschedulable"

// ErrReason is upstream's failure reason.
const ErrReason = "node(s) were unschedulable"

// NodeUnschedulable is the filter; the zero value is ready to use.
type NodeUnschedulable struct{}

var _ framework.FilterPlugin = (*NodeUnschedulable)(nil)

// New returns the plugin.
func New() *NodeUnschedulable { return &NodeUnschedulable{} }

// Name returns Name.
func (*NodeUnschedulable) Name() string { return Name }

// Filter rejects (UnschedulableAndUnresolvable) an unschedulable node unless tolerated.
func (*NodeUnschedulable) Filter(_ *framework.CycleState, pod *corev1.Pod, n *framework.NodeInfo) *framework.Status {
	if !n.Node.Spec.Unschedulable {
		return nil
	}
	taint := corev1.Taint{Key: corev1.TaintNodeUnschedulable, Effect: corev1.TaintEffectNoSchedule}
	if tainttoleration.Tolerates(pod.Spec.Tolerations, &taint) {
		return nil
	}
	return framework.NewStatus(framework.UnschedulableAndUnresolvable, ErrReason)
}
