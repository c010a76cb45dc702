package noderesources

import (
	"math"

	corev1 "k8s.io/api/core/v1"

	"skiff/pkg/scheduler/framework"
)

// LeastAllocatedName and BalancedAllocationName are the score plugins' names.
const (
	LeastAllocatedName     = "NodeResourcesLeastAllocated"
	BalancedAllocationName = "NodeResourcesBalancedAllocation"
)

const scoreKey framework.StateKey = "NodeResources/nonzero"

type nonZero struct{ framework.Resource }

// Clone implements framework.StateData.
func (p nonZero) Clone() framework.StateData { return nonZero{p.Resource.Clone()} }

func preScore(state *framework.CycleState, pod *corev1.Pod) *framework.Status {
	state.Write(scoreKey, nonZero{framework.PodNonZeroRequests(pod)})
	return nil
}

// usage returns the cpu and memory requested on n with the pod added (NonZeroRequested,
// scoring defaults for missing requests) and the node's allocatable.
func usage(state *framework.CycleState, pod *corev1.Pod, n *framework.NodeInfo) (req, alloc [2]int64) {
	p, ok := state.Read(scoreKey).(nonZero)
	if !ok {
		p = nonZero{framework.PodNonZeroRequests(pod)}
	}
	req = [2]int64{n.NonZeroRequested.MilliCPU + p.MilliCPU, n.NonZeroRequested.Memory + p.Memory}
	alloc = [2]int64{n.Allocatable.MilliCPU, n.Allocatable.Memory}
	return req, alloc
}

// LeastAllocated scores nodes by the free share of cpu and memory after placing the pod,
// equally weighted: an empty node scores 100, a full one 0. The zero value is ready to use.
type LeastAllocated struct{}

var (
	_ framework.PreScorePlugin = (*LeastAllocated)(nil)
	_ framework.ScorePlugin    = (*LeastAllocated)(nil)
)

// NewLeastAllocated returns the plugin.
func NewLeastAllocated() *LeastAllocated { return &LeastAllocated{} }

// Name returns LeastAllocatedName.
func (*LeastAllocated) Name() string { return LeastAllocatedName }

// PreScore computes the pod's non-zero requests once per cycle.
func (*LeastAllocated) PreScore(state *framework.CycleState, pod *corev1.Pod, _ *framework.Snapshot, _ []*framework.NodeInfo) *framework.Status {
	return preScore(state, pod)
}

// Score returns the mean over cpu and memory of (allocatable-requested)*100/allocatable.
func (*LeastAllocated) Score(state *framework.CycleState, pod *corev1.Pod, n *framework.NodeInfo) (int64, *framework.Status) {
	req, alloc := usage(state, pod, n)
	var sum int64
	for i := range req {
		if alloc[i] > 0 && req[i] <= alloc[i] {
			sum += (alloc[i] - req[i]) * framework.MaxNodeScore / alloc[i]
		}
	}
	return sum / int64(len(req)), nil
}

// BalancedAllocation prefers nodes whose cpu and memory fractions stay close after placing
// the pod: score = (1 - standard deviation of the fractions) * 100. The zero value is ready.
type BalancedAllocation struct{}

var (
	_ framework.PreScorePlugin = (*BalancedAllocation)(nil)
	_ framework.ScorePlugin    = (*BalancedAllocation)(nil)
)

// NewBalancedAllocation returns the plugin.
func NewBalancedAllocation() *BalancedAllocation { return &BalancedAllocation{} }

// Name returns BalancedAllocationName.
func (*BalancedAllocation) Name() string { return BalancedAllocationName }

// PreScore computes the pod's non-zero requests once per cycle.
func (*BalancedAllocation) PreScore(state *framework.CycleState, pod *corev1.Pod, _ *framework.Snapshot, _ []*framework.NodeInfo) *framework.Status {
	return preScore(state, pod)
}

// Score returns (1 - |cpuFraction - memFraction| / 2) * 100, fractions capped at 1.
func (*BalancedAllocation) Score(state *framework.CycleState, pod *corev1.Pod, n *framework.NodeInfo) (int64, *framework.Status) {
	req, alloc := usage(state, pod, n)
	var f [2]float64
	for i := range req {
		if alloc[i] > 0 {
			f[i] = min(1, float64(req[i])/float64(alloc[i]))
		}
	}
	std := math.Abs(f[0]-f[1]) / 2
	return int64((1 - std) * float64(framework.MaxNodeScore)), nil
}
