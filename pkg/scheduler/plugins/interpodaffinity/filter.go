package interpodaffinity

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"

	"skiff/pkg/scheduler/framework"
)

const filterKey framework.StateKey = Name + "/filter"

type filterState struct {
	pod          *framework.PodInfo
	existingAnti counts // domains where an existing pod's anti-affinity matches the pod
	affinity     counts // domains with pods matching all the pod's affinity terms
	anti         counts // domains with pods matching one of the pod's anti-affinity terms
	nsLabels     func(string) labels.Set
}

// Clone implements framework.StateData.
func (s *filterState) Clone() framework.StateData {
	c := *s
	c.existingAnti, c.affinity, c.anti = s.existingAnti.clone(), s.affinity.clone(), s.anti.clone()
	return &c
}

// PreFilter counts, per topology domain, the existing pods relevant to the pod's required
// terms and the existing pods whose required anti-affinity selects the pod.
func (*InterPodAffinity) PreFilter(state *framework.CycleState, pod *corev1.Pod, snap *framework.Snapshot) *framework.Status {
	s := &filterState{pod: framework.NewPodInfo(pod), existingAnti: counts{}, affinity: counts{}, anti: counts{}, nsLabels: snap.NamespaceLabels}
	for n := range snap.NodesWithRequiredAntiAffinityPods() {
		for _, ep := range n.PodsWithRequiredAntiAffinity {
			s.updateExisting(ep, n.Node, 1)
		}
	}
	if len(s.pod.RequiredAffinity)+len(s.pod.RequiredAntiAffinity) > 0 {
		for _, n := range snap.Nodes() {
			for _, ep := range n.Pods {
				s.updateIncoming(ep, n.Node, 1)
			}
		}
	}
	state.Write(filterKey, s)
	return nil
}

func (s *filterState) updateExisting(ep *framework.PodInfo, node *corev1.Node, delta int64) {
	for i := range ep.RequiredAntiAffinity {
		t := &ep.RequiredAntiAffinity[i]
		if t.Matches(s.pod.Pod, s.nsLabels) {
			s.existingAnti.add(node.Labels, t.TopologyKey, delta)
		}
	}
}

func (s *filterState) updateIncoming(ep *framework.PodInfo, node *corev1.Node, delta int64) {
	if len(s.pod.RequiredAffinity) > 0 && matchesAll(s.pod.RequiredAffinity, ep.Pod, s.nsLabels) {
		for _, t := range s.pod.RequiredAffinity {
			s.affinity.add(node.Labels, t.TopologyKey, delta)
		}
	}
	for i := range s.pod.RequiredAntiAffinity {
		t := &s.pod.RequiredAntiAffinity[i]
		if t.Matches(ep.Pod, s.nsLabels) {
			s.anti.add(node.Labels, t.TopologyKey, delta)
		}
	}
}

func matchesAll(terms []framework.AffinityTerm, pod *corev1.Pod, nsLabels func(string) labels.Set) bool {
	for i := range terms {
		if !terms[i].Matches(pod, nsLabels) {
			return false
		}
	}
	return true
}

// AddPod updates the counts as if podToAdd were placed on nodeInfo.
func (*InterPodAffinity) AddPod(state *framework.CycleState, _ *corev1.Pod, podToAdd *framework.PodInfo, n *framework.NodeInfo) *framework.Status {
	return update(state, podToAdd, n, 1)
}

// RemovePod updates the counts as if podToRemove were gone from nodeInfo.
func (*InterPodAffinity) RemovePod(state *framework.CycleState, _ *corev1.Pod, podToRemove *framework.PodInfo, n *framework.NodeInfo) *framework.Status {
	return update(state, podToRemove, n, -1)
}

func update(state *framework.CycleState, ep *framework.PodInfo, n *framework.NodeInfo, delta int64) *framework.Status {
	s, ok := state.Read(filterKey).(*filterState)
	if !ok {
		return framework.NewStatus(framework.Error, "interpodaffinity: prefilter state missing")
	}
	s.updateExisting(ep, n.Node, delta)
	s.updateIncoming(ep, n.Node, delta)
	return nil
}

// Filter checks, in upstream's order, the pod's affinity (UnschedulableAndUnresolvable),
// its anti-affinity and existing pods' anti-affinity (both Unschedulable).
func (*InterPodAffinity) Filter(state *framework.CycleState, _ *corev1.Pod, n *framework.NodeInfo) *framework.Status {
	s, ok := state.Read(filterKey).(*filterState)
	if !ok {
		return framework.NewStatus(framework.Error, "interpodaffinity: prefilter state missing")
	}
	switch {
	case !s.satisfiesAffinity(n.Node.Labels):
		return framework.NewStatus(framework.UnschedulableAndUnresolvable, ErrReasonAffinityRulesNotMatch)
	case !s.satisfiesAntiAffinity(n.Node.Labels):
		return framework.NewStatus(framework.Unschedulable, ErrReasonAntiAffinityRulesNotMatch)
	case !s.satisfiesExistingAntiAffinity(n.Node.Labels):
		return framework.NewStatus(framework.Unschedulable, ErrReasonExistingAntiAffinityRulesNotMatch)
	}
	return nil
}

// satisfiesAffinity requires every term's domain to hold a matching pod; the first pod of
// a group that matches its own terms may go anywhere with the topology labels when no pod
// matches yet.
func (s *filterState) satisfiesAffinity(nodeLabels map[string]string) bool {
	podsExist := true
	for _, t := range s.pod.RequiredAffinity {
		v, ok := nodeLabels[t.TopologyKey]
		if !ok {
			return false
		}
		if s.affinity[topologyPair{t.TopologyKey, v}] <= 0 {
			podsExist = false
		}
	}
	if podsExist {
		return true
	}
	return len(s.affinity) == 0 && matchesAll(s.pod.RequiredAffinity, s.pod.Pod, s.nsLabels)
}

func (s *filterState) satisfiesAntiAffinity(nodeLabels map[string]string) bool {
	for _, t := range s.pod.RequiredAntiAffinity {
		if v, ok := nodeLabels[t.TopologyKey]; ok && s.anti[topologyPair{t.TopologyKey, v}] > 0 {
			return false
		}
	}
	return true
}

func (s *filterState) satisfiesExistingAntiAffinity(nodeLabels map[string]string) bool {
	for p := range s.existingAnti {
		if v, ok := nodeLabels[p.key]; ok && v == p.value {
			return false
		}
	}
	return true
}
