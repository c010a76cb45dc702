package algorithm

import (
	corev1 "k8s.io/api/core/v1"

	"skiff/pkg/scheduler/framework"
)

// findFeasible filters nodes starting at the rotating index and stops once enough feasible
// nodes are found. It returns the feasible nodes, the failing statuses by node name and
// how many nodes were evaluated, and advances the rotating index past them.
func (s *Scheduler) findFeasible(state *framework.CycleState, pod *corev1.Pod, snap *framework.Snapshot) ([]*framework.NodeInfo, map[string]*framework.Status, int) {
	nodes := snap.Nodes()
	total := len(nodes)
	want := numFeasibleNodesToFind(s.percentageOfNodesToScore, total)
	start := s.nextStart % total
	feasible := make([]*framework.NodeInfo, 0, want)
	var failed map[string]*framework.Status
	evaluated := 0
	for ; evaluated < total && len(feasible) < want; evaluated++ {
		n := nodes[(start+evaluated)%total]
		st := RunFilters(state, pod, n, s.filters)
		if st.IsSuccess() {
			feasible = append(feasible, n)
			continue
		}
		if failed == nil {
			failed = map[string]*framework.Status{}
		}
		failed[n.Name()] = st
	}
	s.nextStart = (start + evaluated) % total
	return feasible, failed, evaluated
}

// numFeasibleNodesToFind is upstream's adaptive count: all nodes below 100; otherwise
// percentage (or 50 - nodes/125, at least 5) percent of the nodes, at least 100.
func numFeasibleNodesToFind(percentage int32, total int) int {
	if total < minFeasibleNodesToFind || percentage >= 100 {
		return total
	}
	p := int(percentage)
	if p <= 0 {
		p = max(basePercentageOfNodesToScore-total/125, minFeasibleNodesPercentageToFind)
	}
	return max(total*p/100, minFeasibleNodesToFind)
}
