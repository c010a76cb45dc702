package interpodaffinity

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"

	"skiff/pkg/scheduler/framework"
)

const scoreKey framework.StateKey = Name + "/score"

type scoreState struct {
	scores counts
	keys   []string // distinct topology keys in scores
}

// Clone implements framework.StateData.
func (s scoreState) Clone() framework.StateData {
	return scoreState{scores: s.scores.clone(), keys: s.keys}
}

// PreScore sums, per topology domain, the weights of preferred terms between the pod and
// existing pods: the pod's preferred affinity (+) and anti-affinity (-) matching existing
// pods, and existing pods' required affinity (+1), preferred affinity (+) and preferred
// anti-affinity (-) matching the pod.
func (*InterPodAffinity) PreScore(state *framework.CycleState, pod *corev1.Pod, snap *framework.Snapshot, _ []*framework.NodeInfo) *framework.Status {
	pi := framework.NewPodInfo(pod)
	s := scoreState{scores: counts{}}
	nsl := snap.NamespaceLabels
	if len(pi.PreferredAffinity)+len(pi.PreferredAntiAffinity) > 0 {
		for _, n := range snap.Nodes() {
			for _, ep := range n.Pods {
				s.addPair(pi, ep, n.Node.Labels, nsl)
			}
		}
	} else {
		for n := range snap.NodesWithAffinityPods() {
			for _, ep := range n.PodsWithAffinity {
				s.addPair(pi, ep, n.Node.Labels, nsl)
			}
		}
	}
	seen := map[string]bool{}
	for p := range s.scores {
		if !seen[p.key] {
			seen[p.key] = true
			s.keys = append(s.keys, p.key)
		}
	}
	state.Write(scoreKey, s)
	return nil
}

func (s scoreState) addPair(pi, ep *framework.PodInfo, nodeLabels map[string]string, nsl func(string) labels.Set) {
	s.addWeighted(pi.PreferredAffinity, ep.Pod, nodeLabels, nsl, 1)
	s.addWeighted(pi.PreferredAntiAffinity, ep.Pod, nodeLabels, nsl, -1)
	for i := range ep.RequiredAffinity {
		t := &ep.RequiredAffinity[i]
		if t.Matches(pi.Pod, nsl) {
			s.scores.add(nodeLabels, t.TopologyKey, hardPodAffinityWeight)
		}
	}
	s.addWeighted(ep.PreferredAffinity, pi.Pod, nodeLabels, nsl, 1)
	s.addWeighted(ep.PreferredAntiAffinity, pi.Pod, nodeLabels, nsl, -1)
}

func (s scoreState) addWeighted(terms []framework.WeightedAffinityTerm, pod *corev1.Pod, nodeLabels map[string]string, nsl func(string) labels.Set, sign int64) {
	for i := range terms {
		if terms[i].Matches(pod, nsl) {
			s.scores.add(nodeLabels, terms[i].TopologyKey, sign*int64(terms[i].Weight))
		}
	}
}

// Score sums the domain weights of every topology the node belongs to.
func (*InterPodAffinity) Score(state *framework.CycleState, _ *corev1.Pod, n *framework.NodeInfo) (int64, *framework.Status) {
	s, _ := state.Read(scoreKey).(scoreState)
	var total int64
	for _, k := range s.keys {
		if v, ok := n.Node.Labels[k]; ok {
			total += s.scores[topologyPair{k, v}]
		}
	}
	return total, nil
}

// NormalizeScore maps scores linearly from [min, max] to [0, 100]; all equal gives 0.
func (*InterPodAffinity) NormalizeScore(_ *framework.CycleState, _ *corev1.Pod, scores []framework.NodeScore) *framework.Status {
	if len(scores) == 0 {
		return nil
	}
	lo, hi := scores[0].Score, scores[0].Score
	for _, s := range scores {
		lo, hi = min(lo, s.Score), max(hi, s.Score)
	}
	for i := range scores {
		if hi > lo {
			scores[i].Score = framework.MaxNodeScore * (scores[i].Score - lo) / (hi - lo)
		} else {
			scores[i].Score = 0
		}
	}
	return nil
}
