package podtopologyspread

import (
	"math"

	corev1 "k8s.io/api/core/v1"

	helper "k8s.io/component-helpers/scheduling/corev1/nodeaffinity"

	"skiff/pkg/scheduler/framework"
)

const scoreKey framework.StateKey = Name + "/score"

type scoreState struct {
	constraints []constraint
	counts      []map[string]int64 // per constraint: domain of a feasible node -> matching pods
	weights     []float64          // per constraint: log(domains among feasible nodes + 2)
	ignored     map[string]bool    // feasible nodes missing a topology key: score 0
}

// Clone implements framework.StateData.
func (s *scoreState) Clone() framework.StateData { return s }

// PreScore counts matching pods per domain of every ScheduleAnyway constraint over the
// eligible nodes, and weighs each constraint by its number of domains among feasible nodes.
func (*PodTopologySpread) PreScore(state *framework.CycleState, pod *corev1.Pod, snap *framework.Snapshot, feasible []*framework.NodeInfo) *framework.Status {
	cs := parseConstraints(pod, corev1.ScheduleAnyway)
	s := &scoreState{constraints: cs, ignored: map[string]bool{}}
	if len(cs) == 0 {
		state.Write(scoreKey, s)
		return nil
	}
	aff := helper.GetRequiredNodeAffinity(pod)
	s.counts = make([]map[string]int64, len(cs))
	for i := range cs {
		s.counts[i] = map[string]int64{}
	}
	for _, n := range feasible {
		if !hasAllKeys(cs, n.Node) {
			s.ignored[n.Name()] = true
			continue
		}
		for i := range cs {
			s.counts[i][n.Node.Labels[cs[i].topologyKey]] = 0
		}
	}
	for i := range cs {
		s.weights = append(s.weights, math.Log(float64(len(s.counts[i])+2)))
		countDomains(pod, aff, snap, feasible, cs, i, s.counts[i])
	}
	state.Write(scoreKey, s)
	return nil
}

// countDomains adds the matching pods on eligible nodes to the domains already in counts
// (those of feasible nodes); other domains cannot affect any feasible node's score. A
// one-label selector is answered from the snapshot's label index; otherwise a hostname
// constraint only needs the feasible nodes, others every node.
func countDomains(pod *corev1.Pod, aff helper.RequiredNodeAffinity, snap *framework.Snapshot, feasible []*framework.NodeInfo, cs []constraint, i int, counts map[string]int64) {
	c := &cs[i]
	add := func(n *framework.NodeInfo, cnt func() int64) {
		v, ok := counts[n.Node.Labels[c.topologyKey]]
		if ok && hasAllKeys(cs, n.Node) && c.eligible(pod, aff, n.Node) {
			counts[n.Node.Labels[c.topologyKey]] = v + cnt()
		}
	}
	if key, value, single := framework.SingleLabel(c.selector); single {
		for name, cnt := range snap.PodsWithLabel(framework.LabelPair{Namespace: pod.Namespace, Key: key, Value: value}) {
			if n := snap.Get(name); n != nil {
				add(n, func() int64 { return int64(cnt) })
			}
		}
		return
	}
	nodes := snap.Nodes()
	if c.topologyKey == corev1.LabelHostname {
		nodes = feasible
	}
	for _, n := range nodes {
		add(n, func() int64 { return countMatching(n, pod.Namespace, c.selector) })
	}
}

// Score returns the weighted count of matching pods in the node's domains (lower is
// better; NormalizeScore inverts it).
func (*PodTopologySpread) Score(state *framework.CycleState, _ *corev1.Pod, n *framework.NodeInfo) (int64, *framework.Status) {
	s, _ := state.Read(scoreKey).(*scoreState)
	if s == nil || len(s.constraints) == 0 || s.ignored[n.Name()] {
		return 0, nil
	}
	var total float64
	for i := range s.constraints {
		c := &s.constraints[i]
		total += float64(s.counts[i][n.Node.Labels[c.topologyKey]])*s.weights[i] + float64(c.maxSkew-1)
	}
	return int64(math.Round(total)), nil
}

// NormalizeScore maps raw scores so the least crowded node gets 100:
// 100 * (max + min - s) / max; ignored nodes get 0; all zero gives 100.
func (*PodTopologySpread) NormalizeScore(state *framework.CycleState, _ *corev1.Pod, scores []framework.NodeScore) *framework.Status {
	s, _ := state.Read(scoreKey).(*scoreState)
	if s == nil || len(s.constraints) == 0 {
		return nil
	}
	lo, hi := int64(math.MaxInt64), int64(0)
	for _, ns := range scores {
		if !s.ignored[ns.Name] {
			lo, hi = min(lo, ns.Score), max(hi, ns.Score)
		}
	}
	for i := range scores {
		switch {
		case s.ignored[scores[i].Name]:
			scores[i].Score = 0
		case hi == 0:
			scores[i].Score = framework.MaxNodeScore
		default:
			scores[i].Score = framework.MaxNodeScore * (hi + lo - scores[i].Score) / hi
		}
	}
	return nil
}
