package framework

import corev1 "k8s.io/api/core/v1"

// MaxNodeScore is the highest score a ScorePlugin returns after normalization.
const MaxNodeScore int64 = 100

// Plugin is anything with a stable name.
type Plugin interface {
	Name() string
}

// PreFilterPlugin precomputes per-cycle data (stored in state) from the whole snapshot
// before Filter runs on each node. A non-success status rejects the pod on every node.
type PreFilterPlugin interface {
	Plugin
	PreFilter(state *CycleState, pod *corev1.Pod, snap *Snapshot) *Status
}

// PreFilterExtensions lets preemption update a plugin's PreFilter data when it simulates
// adding or removing podToChange on nodeInfo (the nodeInfo already reflects the change).
type PreFilterExtensions interface {
	AddPod(state *CycleState, pod *corev1.Pod, podToAdd *PodInfo, nodeInfo *NodeInfo) *Status
	RemovePod(state *CycleState, pod *corev1.Pod, podToRemove *PodInfo, nodeInfo *NodeInfo) *Status
}

// FilterPlugin decides whether pod fits on one node. It must only read nodeInfo and
// state, and be safe to call concurrently for different nodes.
type FilterPlugin interface {
	Plugin
	Filter(state *CycleState, pod *corev1.Pod, nodeInfo *NodeInfo) *Status
}

// PreScorePlugin precomputes per-cycle scoring data from the feasible nodes.
type PreScorePlugin interface {
	Plugin
	PreScore(state *CycleState, pod *corev1.Pod, snap *Snapshot, feasible []*NodeInfo) *Status
}

// ScorePlugin rates one feasible node. Raw scores are either already in 0..MaxNodeScore
// or brought there by ScoreExtensions.NormalizeScore.
type ScorePlugin interface {
	Plugin
	Score(state *CycleState, pod *corev1.Pod, nodeInfo *NodeInfo) (int64, *Status)
}

// NodeScore is one node's score.
type NodeScore struct {
	Name  string
	Score int64
}

// ScoreExtensions rescales the raw scores of all feasible nodes in place to 0..MaxNodeScore.
type ScoreExtensions interface {
	NormalizeScore(state *CycleState, pod *corev1.Pod, scores []NodeScore) *Status
}

// DefaultNormalizeScore scales scores in place so the highest becomes MaxNodeScore
// (all zero stays zero, or all MaxNodeScore when reverse). With reverse, a score s becomes
// MaxNodeScore - scaled(s), so a lower raw score ranks higher.
func DefaultNormalizeScore(reverse bool, scores []NodeScore) {
	var highest int64
	for _, s := range scores {
		highest = max(highest, s.Score)
	}
	for i := range scores {
		v := scores[i].Score
		if highest > 0 {
			v = v * MaxNodeScore / highest
		}
		if reverse {
			v = MaxNodeScore - v
		}
		scores[i].Score = v
	}
}
