// Package nodeports filters out nodes where a host port the pod asks for is already used.
package nodeports

import (
	corev1 "k8s.io/api/core/v1"

	"skiff/pkg/scheduler/framework"
)

// Name is the plugin name.
const Name = "NodePorts"

// ErrReason is upstream's failure reason.
const ErrReason = "node(s) didn't have free ports for the requested pod ports"

const stateKey framework.StateKey = Name

// NodePorts is the filter; the zero value is ready to use.
type NodePorts struct{}

var (
	_ framework.PreFilterPlugin = (*NodePorts)(nil)
	_ framework.FilterPlugin    = (*NodePorts)(nil)
)

// New returns the plugin.
func New() *NodePorts { return &NodePorts{} }

// Name returns Name.
func (*NodePorts) Name() string { return Name }

type ports []framework.HostPort

// Clone implements framework.StateData.
func (p ports) Clone() framework.StateData { return p }

// PreFilter collects the pod's host ports once per cycle.
func (*NodePorts) PreFilter(state *framework.CycleState, pod *corev1.Pod, _ *framework.Snapshot) *framework.Status {
	state.Write(stateKey, ports(framework.PodHostPorts(pod)))
	return nil
}

// Filter rejects (Unschedulable: preemption can free ports) nodes with a clashing port.
func (*NodePorts) Filter(state *framework.CycleState, pod *corev1.Pod, n *framework.NodeInfo) *framework.Status {
	want, ok := state.Read(stateKey).(ports)
	if !ok {
		want = framework.PodHostPorts(pod)
	}
	for _, p := range want {
		if n.UsedPorts.Conflicts(p) {
			return framework.NewStatus(framework.Unschedulable, ErrReason)
		}
	}
	return nil
}
