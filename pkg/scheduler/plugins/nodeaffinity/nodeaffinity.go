// Package nodeaffinity filters nodes by the pod's spec.nodeSelector and required node
// affinity, and scores them by the weights of the preferred node affinity terms they match.
package nodeaffinity

import (
	corev1 "k8s.io/api/core/v1"
	helper "k8s.io/component-helpers/scheduling/corev1/nodeaffinity"

	"skiff/pkg/scheduler/framework"
)

// Name is the plugin name.
const Name = "NodeAffinity"

// ErrReason is upstream's failure reason.
const ErrReason = "node(s) didn't match Pod's node affinity/selector"

const (
	filterKey framework.StateKey = Name + "/filter"
	scoreKey  framework.StateKey = Name + "/score"
)

// NodeAffinity is the filter and score plugin; the zero value is ready to use.
type NodeAffinity struct{}

var (
	_ framework.PreFilterPlugin = (*NodeAffinity)(nil)
	_ framework.FilterPlugin    = (*NodeAffinity)(nil)
	_ framework.PreScorePlugin  = (*NodeAffinity)(nil)
	_ framework.ScorePlugin     = (*NodeAffinity)(nil)
	_ framework.ScoreExtensions = (*NodeAffinity)(nil)
)

// New returns the plugin.
func New() *NodeAffinity { return &NodeAffinity{} }

// Name returns Name.
func (*NodeAffinity) Name() string { return Name }

type required struct{ helper.RequiredNodeAffinity }

// Clone implements framework.StateData.
func (r required) Clone() framework.StateData { return r }

// PreFilter parses the pod's node selector and required affinity once per cycle.
func (*NodeAffinity) PreFilter(state *framework.CycleState, pod *corev1.Pod, _ *framework.Snapshot) *framework.Status {
	state.Write(filterKey, required{helper.GetRequiredNodeAffinity(pod)})
	return nil
}

// Filter rejects (UnschedulableAndUnresolvable) nodes that do not match.
func (*NodeAffinity) Filter(state *framework.CycleState, pod *corev1.Pod, n *framework.NodeInfo) *framework.Status {
	if Matches(state, pod, n.Node) {
		return nil
	}
	return framework.NewStatus(framework.UnschedulableAndUnresolvable, ErrReason)
}

// Matches reports whether node satisfies pod's node selector and required node affinity,
// using the parse cached in state by PreFilter when present.
func Matches(state *framework.CycleState, pod *corev1.Pod, node *corev1.Node) bool {
	r, ok := state.Read(filterKey).(required)
	if !ok {
		r = required{helper.GetRequiredNodeAffinity(pod)}
	}
	match, err := r.Match(node)
	return err == nil && match
}

type preferred struct {
	terms *helper.PreferredSchedulingTerms
}

// Clone implements framework.StateData.
func (p preferred) Clone() framework.StateData { return p }

// PreScore parses the preferred terms once per cycle.
func (*NodeAffinity) PreScore(state *framework.CycleState, pod *corev1.Pod, _ *framework.Snapshot, _ []*framework.NodeInfo) *framework.Status {
	var p preferred
	if a := pod.Spec.Affinity; a != nil && a.NodeAffinity != nil {
		terms, err := helper.NewPreferredSchedulingTerms(a.NodeAffinity.PreferredDuringSchedulingIgnoredDuringExecution)
		if err != nil {
			return framework.AsStatus(err)
		}
		p.terms = terms
	}
	state.Write(scoreKey, p)
	return nil
}

// Score sums the weights of the preferred terms the node matches.
func (*NodeAffinity) Score(state *framework.CycleState, _ *corev1.Pod, n *framework.NodeInfo) (int64, *framework.Status) {
	p, _ := state.Read(scoreKey).(preferred)
	if p.terms == nil {
		return 0, nil
	}
	return p.terms.Score(n.Node), nil
}

// NormalizeScore scales so the best-matching node scores 100.
func (*NodeAffinity) NormalizeScore(_ *framework.CycleState, _ *corev1.Pod, scores []framework.NodeScore) *framework.Status {
	framework.DefaultNormalizeScore(false, scores)
	return nil
}
