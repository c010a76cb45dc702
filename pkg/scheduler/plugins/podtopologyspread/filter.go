package podtopologyspread

import (
	"maps"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	helper "k8s.io/component-helpers/scheduling/corev1/nodeaffinity"

	"skiff/pkg/scheduler/framework"
)

const filterKey framework.StateKey = Name + "/filter"

type filterState struct {
	constraints []constraint
	counts      []map[string]int64 // per constraint: domain -> matching pods (eligible domains only)
	mins        []int64            // per constraint: global minimum (0 if fewer than minDomains)
	self        []int64            // per constraint: 1 when the pod matches its own selector
	affinity    helper.RequiredNodeAffinity
}

// Clone implements framework.StateData.
func (s *filterState) Clone() framework.StateData {
	c := *s
	c.counts = make([]map[string]int64, len(s.counts))
	for i, m := range s.counts {
		c.counts[i] = maps.Clone(m)
	}
	c.mins = append([]int64(nil), s.mins...)
	return &c
}

// PreFilter counts matching pods per domain of every DoNotSchedule constraint.
func (*PodTopologySpread) PreFilter(state *framework.CycleState, pod *corev1.Pod, snap *framework.Snapshot) *framework.Status {
	cs := parseConstraints(pod, corev1.DoNotSchedule)
	s := &filterState{constraints: cs, affinity: helper.GetRequiredNodeAffinity(pod)}
	for i := range cs {
		s.counts = append(s.counts, s.countDomains(pod, snap, i))
		s.mins = append(s.mins, 0)
		s.self = append(s.self, boolInt(cs[i].selector.Matches(labels.Set(pod.Labels))))
		s.recomputeMin(i)
	}
	state.Write(filterKey, s)
	return nil
}

// countDomains counts the pods matching constraint i per eligible domain (domains without
// matching pods are present with 0). A one-label selector is answered from the snapshot's
// label index instead of visiting every pod.
func (s *filterState) countDomains(pod *corev1.Pod, snap *framework.Snapshot, i int) map[string]int64 {
	c := &s.constraints[i]
	counts := make(map[string]int64, 64)
	key, value, single := framework.SingleLabel(c.selector)
	for _, n := range snap.Nodes() {
		d, ok := s.domain(pod, c, n)
		switch {
		case !ok:
		case !single:
			counts[d] += countMatching(n, pod.Namespace, c.selector)
		case !hasKey(counts, d):
			counts[d] = 0
		}
	}
	if !single {
		return counts
	}
	for name, cnt := range snap.PodsWithLabel(framework.LabelPair{Namespace: pod.Namespace, Key: key, Value: value}) {
		if n := snap.Get(name); n != nil {
			if d, ok := s.domain(pod, c, n); ok {
				counts[d] += int64(cnt)
			}
		}
	}
	return counts
}

// domain returns n's domain for c, and whether n counts for c at all.
func (s *filterState) domain(pod *corev1.Pod, c *constraint, n *framework.NodeInfo) (string, bool) {
	d, ok := n.Node.Labels[c.topologyKey]
	if !ok || (len(s.constraints) > 1 && !hasAllKeys(s.constraints, n.Node)) || !c.eligible(pod, s.affinity, n.Node) {
		return "", false
	}
	return d, true
}

func hasKey(m map[string]int64, k string) bool {
	_, ok := m[k]
	return ok
}

func (s *filterState) recomputeMin(i int) {
	if len(s.counts[i]) < s.constraints[i].minDomains {
		s.mins[i] = 0
		return
	}
	first := true
	for _, v := range s.counts[i] {
		if first || v < s.mins[i] {
			s.mins[i], first = v, false
		}
	}
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// AddPod counts podToAdd as if it were placed on nodeInfo.
func (p *PodTopologySpread) AddPod(state *framework.CycleState, pod *corev1.Pod, podToAdd *framework.PodInfo, n *framework.NodeInfo) *framework.Status {
	return update(state, pod, podToAdd, n, 1)
}

// RemovePod uncounts podToRemove as if it were gone from nodeInfo.
func (p *PodTopologySpread) RemovePod(state *framework.CycleState, pod *corev1.Pod, podToRemove *framework.PodInfo, n *framework.NodeInfo) *framework.Status {
	return update(state, pod, podToRemove, n, -1)
}

func update(state *framework.CycleState, pod *corev1.Pod, ep *framework.PodInfo, n *framework.NodeInfo, delta int64) *framework.Status {
	s, ok := state.Read(filterKey).(*filterState)
	if !ok {
		return framework.NewStatus(framework.Error, "podtopologyspread: prefilter state missing")
	}
	for i := range s.constraints {
		c := &s.constraints[i]
		if ep.Pod.Namespace != pod.Namespace || !c.selector.Matches(labels.Set(ep.Pod.Labels)) {
			continue
		}
		if d, ok := s.domain(pod, c, n); ok {
			s.counts[i][d] += delta
			s.recomputeMin(i)
		}
	}
	return nil
}

// Filter rejects a node missing a constraint's topology key (UnschedulableAndUnresolvable)
// or where placing the pod would make count - global minimum exceed maxSkew (Unschedulable).
func (*PodTopologySpread) Filter(state *framework.CycleState, _ *corev1.Pod, n *framework.NodeInfo) *framework.Status {
	s, ok := state.Read(filterKey).(*filterState)
	if !ok {
		return framework.NewStatus(framework.Error, "podtopologyspread: prefilter state missing")
	}
	for i := range s.constraints {
		c := &s.constraints[i]
		v, ok := n.Node.Labels[c.topologyKey]
		if !ok {
			return framework.NewStatus(framework.UnschedulableAndUnresolvable, ErrReasonNodeLabelNotMatch)
		}
		if s.counts[i][v]+s.self[i]-s.mins[i] > c.maxSkew {
			return framework.NewStatus(framework.Unschedulable, ErrReasonConstraintsNotMatch)
		}
	}
	return nil
}
