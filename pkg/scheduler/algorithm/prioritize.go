package algorithm

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"

	"skiff/pkg/scheduler/framework"
)

// prioritize returns the weighted score sum of every feasible node, in feasible order.
func (s *Scheduler) prioritize(state *framework.CycleState, pod *corev1.Pod, snap *framework.Snapshot, feasible []*framework.NodeInfo) ([]framework.NodeScore, error) {
	for _, p := range s.preScores {
		if st := p.PreScore(state, pod, snap, feasible); !st.IsSuccess() {
			return nil, fmt.Errorf("prescore %s: %s", p.Name(), st.Message())
		}
	}
	total := make([]framework.NodeScore, len(feasible))
	for i, n := range feasible {
		total[i].Name = n.Name()
	}
	scores := make([]framework.NodeScore, len(feasible))
	for _, w := range s.scores {
		if err := scorePlugin(state, pod, w.Plugin, feasible, scores); err != nil {
			return nil, err
		}
		for i := range scores {
			total[i].Score += scores[i].Score * w.Weight
		}
	}
	return total, nil
}

// scorePlugin fills scores (len(feasible)) with one plugin's normalized scores.
func scorePlugin(state *framework.CycleState, pod *corev1.Pod, p framework.ScorePlugin, feasible []*framework.NodeInfo, scores []framework.NodeScore) error {
	for i, n := range feasible {
		v, st := p.Score(state, pod, n)
		if !st.IsSuccess() {
			return fmt.Errorf("score %s on node %s: %s", p.Name(), n.Name(), st.Message())
		}
		scores[i] = framework.NodeScore{Name: n.Name(), Score: v}
	}
	ext, ok := p.(framework.ScoreExtensions)
	if !ok {
		return nil
	}
	if st := ext.NormalizeScore(state, pod, scores); !st.IsSuccess() {
		return fmt.Errorf("normalize %s: %s", p.Name(), st.Message())
	}
	return nil
}

// selectHost returns the highest-scoring node, choosing uniformly among ties with
// reservoir sampling over the injected rand.
func (s *Scheduler) selectHost(scores []framework.NodeScore) string {
	best := scores[0]
	ties := 1
	for _, ns := range scores[1:] {
		switch {
		case ns.Score > best.Score:
			best, ties = ns, 1
		case ns.Score == best.Score:
			ties++
			if s.rand.IntN(ties) == 0 {
				best = ns
			}
		}
	}
	return best.Name
}
