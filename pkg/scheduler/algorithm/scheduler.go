package algorithm

import (
	"fmt"
	"math/rand/v2"

	corev1 "k8s.io/api/core/v1"

	"skiff/pkg/scheduler/framework"
)

// Upstream's limits for the adaptive share of nodes to evaluate.
const (
	minFeasibleNodesToFind           = 100
	minFeasibleNodesPercentageToFind = 5
	basePercentageOfNodesToScore     = 50
)

// WeightedScorePlugin is a score plugin with its weight in the weighted sum.
type WeightedScorePlugin struct {
	Plugin framework.ScorePlugin
	Weight int64
}

// Scheduler decides where pods go. It keeps only a rotating start index between calls,
// so one Scheduler must not be used by concurrent Schedule calls.
type Scheduler struct {
	preFilters               []framework.PreFilterPlugin
	filters                  []framework.FilterPlugin
	preScores                []framework.PreScorePlugin
	scores                   []WeightedScorePlugin
	rand                     *rand.Rand
	percentageOfNodesToScore int32
	nextStart                int
}

// Decision is where the pod should go.
type Decision struct {
	Node string
	// EvaluatedNodes is how many nodes were filtered; FeasibleNodes how many fit.
	EvaluatedNodes int
	FeasibleNodes  int
}

// New returns a Scheduler running filters in order and summing weighted scores. Filters
// that also implement PreFilterPlugin, and score plugins that implement PreScorePlugin,
// get those calls too. percentageOfNodesToScore <= 0 selects upstream's adaptive share.
func New(filters []framework.FilterPlugin, scores []WeightedScorePlugin, rnd *rand.Rand, percentageOfNodesToScore int32) *Scheduler {
	s := &Scheduler{filters: filters, scores: scores, rand: rnd, percentageOfNodesToScore: percentageOfNodesToScore}
	s.preFilters = PreFiltersOf(filters)
	for _, w := range scores {
		if p, ok := w.Plugin.(framework.PreScorePlugin); ok {
			s.preScores = append(s.preScores, p)
		}
	}
	return s
}

// PreFiltersOf returns the filters that also implement PreFilterPlugin, in order.
func PreFiltersOf(filters []framework.FilterPlugin) []framework.PreFilterPlugin {
	var out []framework.PreFilterPlugin
	for _, f := range filters {
		if p, ok := f.(framework.PreFilterPlugin); ok {
			out = append(out, p)
		}
	}
	return out
}

// Schedule picks a node for pod; like upstream, a pod whose status.nominatedNodeName names a
// node that fits (e.g. after preemption) goes there without scoring. It returns ErrNoNodesAvailable for an empty snapshot,
// a *FitError when no node fits, or another error when a plugin fails internally.
// It only reads snap.
func (s *Scheduler) Schedule(pod *corev1.Pod, snap *framework.Snapshot) (Decision, error) {
	if snap.NumNodes() == 0 {
		return Decision{}, ErrNoNodesAvailable
	}
	state := framework.NewCycleState()
	if st := RunPreFilters(state, pod, snap, s.preFilters); !st.IsSuccess() {
		return Decision{}, s.preFilterError(pod, snap, st)
	}
	if n := snap.Get(pod.Status.NominatedNodeName); n != nil && RunFilters(state, pod, n, s.filters).IsSuccess() {
		return Decision{Node: n.Name(), EvaluatedNodes: 1, FeasibleNodes: 1}, nil
	}
	feasible, failed, evaluated := s.findFeasible(state, pod, snap)
	if len(feasible) == 0 {
		return Decision{}, &FitError{Pod: pod, NumAllNodes: snap.NumNodes(), NodeToStatus: failed}
	}
	d := Decision{EvaluatedNodes: evaluated, FeasibleNodes: len(feasible)}
	if len(feasible) == 1 {
		d.Node = feasible[0].Name()
		return d, nil
	}
	scores, err := s.prioritize(state, pod, snap, feasible)
	if err != nil {
		return Decision{}, err
	}
	d.Node = s.selectHost(scores)
	return d, nil
}

func (s *Scheduler) preFilterError(pod *corev1.Pod, snap *framework.Snapshot, st *framework.Status) error {
	if st.Code() == framework.Error {
		return fmt.Errorf("prefilter %s: %s", st.Plugin(), st.Message())
	}
	all := make(map[string]*framework.Status, snap.NumNodes())
	for _, n := range snap.Nodes() {
		all[n.Name()] = st
	}
	return &FitError{Pod: pod, NumAllNodes: snap.NumNodes(), NodeToStatus: all, PreFilterMsg: st.Message()}
}

// RunPreFilters runs every PreFilter; the first non-success status stops and is returned
// with its plugin name.
func RunPreFilters(state *framework.CycleState, pod *corev1.Pod, snap *framework.Snapshot, plugins []framework.PreFilterPlugin) *framework.Status {
	for _, p := range plugins {
		if st := p.PreFilter(state, pod, snap); !st.IsSuccess() {
			return st.WithPlugin(p.Name())
		}
	}
	return nil
}

// RunFilters runs the filters on one node; the first non-success status stops and is
// returned with its plugin name.
func RunFilters(state *framework.CycleState, pod *corev1.Pod, n *framework.NodeInfo, filters []framework.FilterPlugin) *framework.Status {
	for _, f := range filters {
		if st := f.Filter(state, pod, n); !st.IsSuccess() {
			return st.WithPlugin(f.Name())
		}
	}
	return nil
}
