// Package nodename filters out every node but the one named by the pod's spec.nodeName.
package nodename

import (
	corev1 "k8s.io/api/core/v1"

	"skiff/pkg/scheduler/framework"
)

// Name is the plugin name.
const Name = "NodeName"

// ErrReason is upstream's failure reason.
const ErrReason = "node(s) didn't match the requested node name"

// NodeName is the filter; the zero value is ready to use.
type NodeName struct{}

var _ framework.FilterPlugin = (*NodeName)(nil)

// New returns the plugin.
func New() *NodeName { return &NodeName{} }

// Name returns Name.
func (*NodeName) Name() string { return Name }

// Filter accepts any node when spec.nodeName is empty, else only the named node
// (UnschedulableAndUnresolvable otherwise).
func (*NodeName) Filter(_ *framework.CycleState, pod *corev1.Pod, n *framework.NodeInfo) *framework.Status {
	if pod.Spec.NodeName == "" || pod.Spec.NodeName == n.Name() {
		return nil
	}
	return framework.NewStatus(framework.UnschedulableAndUnresolvable, ErrReason)
}
