package noderesources

import (
	"maps"
	"slices"

	corev1 "k8s.io/api/core/v1"

	"skiff/pkg/scheduler/framework"
)

// FitName is the Fit plugin's name.
const FitName = "NodeResourcesFit"

// ReasonTooManyPods is upstream's reason when the node's pod capacity is used up.
const ReasonTooManyPods = "Too many pods"

const fitKey framework.StateKey = FitName

// Fit is the resource filter; the zero value is ready to use.
type Fit struct{}

var (
	_ framework.PreFilterPlugin = (*Fit)(nil)
	_ framework.FilterPlugin    = (*Fit)(nil)
)

// NewFit returns the plugin.
func NewFit() *Fit { return &Fit{} }

// Name returns FitName.
func (*Fit) Name() string { return FitName }

type podRequests struct{ framework.Resource }

// Clone implements framework.StateData.
func (p podRequests) Clone() framework.StateData { return podRequests{p.Resource.Clone()} }

// PreFilter computes the pod's effective requests once per cycle.
func (*Fit) PreFilter(state *framework.CycleState, pod *corev1.Pod, _ *framework.Snapshot) *framework.Status {
	state.Write(fitKey, podRequests{framework.PodRequests(pod)})
	return nil
}

// Filter rejects nodes without room. Reasons are upstream's, in its order: "Too many pods",
// "Insufficient cpu", "Insufficient memory", "Insufficient ephemeral-storage", then
// "Insufficient <name>" per extended resource by name. The code is Unschedulable, or
// UnschedulableAndUnresolvable when a request exceeds the node's whole allocatable.
func (*Fit) Filter(state *framework.CycleState, pod *corev1.Pod, n *framework.NodeInfo) *framework.Status {
	req, ok := state.Read(fitKey).(podRequests)
	if !ok {
		req = podRequests{framework.PodRequests(pod)}
	}
	return fits(req.Resource, n)
}

func fits(req framework.Resource, n *framework.NodeInfo) *framework.Status {
	var reasons []string
	code := framework.Unschedulable
	if int64(len(n.Pods))+1 > n.Allocatable.AllowedPodNumber {
		reasons = append(reasons, ReasonTooManyPods)
	}
	check := func(name string, want, used, have int64) {
		if want > 0 && want+used > have {
			reasons = append(reasons, "Insufficient "+name)
			if want > have {
				code = framework.UnschedulableAndUnresolvable
			}
		}
	}
	check("cpu", req.MilliCPU, n.Requested.MilliCPU, n.Allocatable.MilliCPU)
	check("memory", req.Memory, n.Requested.Memory, n.Allocatable.Memory)
	check("ephemeral-storage", req.EphemeralStorage, n.Requested.EphemeralStorage, n.Allocatable.EphemeralStorage)
	if len(req.Scalar) > 0 {
		for _, name := range slices.Sorted(maps.Keys(req.Scalar)) {
			check(string(name), req.Scalar[name], n.Requested.Scalar[name], n.Allocatable.Scalar[name])
		}
	}
	if len(reasons) == 0 {
		return nil
	}
	return framework.NewStatus(code, reasons...)
}
