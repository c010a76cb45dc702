package algorithm

import (
	"math"
	"slices"

	corev1 "k8s.io/api/core/v1"

	"skiff/pkg/scheduler/framework"
)

// Upstream's bounds on how many preemption candidates to evaluate before picking.
const (
	minCandidateNodesPercentage = 10
	minCandidateNodesAbsolute   = 100
)

// SelectVictims finds where pod could run by evicting lower-priority pods. Only nodes that
// failed filters with a resolvable (Unschedulable) status are tried; on each, every
// lower-priority pod is removed, then pods are re-added from most to least important while
// the pod still fits, and the rest are the victims. The node is chosen by upstream's order:
// lowest highest-victim priority, smallest priority sum, fewest victims, latest start of
// the most important victims, then name order. ok is false when the pod may not preempt
// (preemptionPolicy Never) or no node works; a node that already fits is returned with no
// victims. As upstream, a pod whose status.nominatedNodeName names a node where a
// lower-priority pod is already terminating does not preempt again (it waits for the
// earlier victims to go). SelectVictims only reads snap.
func SelectVictims(pod *corev1.Pod, snap *framework.Snapshot, filters []framework.FilterPlugin) (node string, victims []*corev1.Pod, ok bool) {
	if !eligibleToPreempt(pod, snap) {
		return "", nil, false
	}
	state := framework.NewCycleState()
	if !RunPreFilters(state, pod, snap, PreFiltersOf(filters)).IsSuccess() {
		return "", nil, false
	}
	p := preemptor{pod: pod, filters: filters, exts: extensionsOf(filters)}
	limit := max(snap.NumNodes()*minCandidateNodesPercentage/100, minCandidateNodesAbsolute)
	var best *candidate
	found := 0
	for _, n := range snap.Nodes() {
		st := RunFilters(state, pod, n, filters)
		if st.IsSuccess() {
			return n.Name(), nil, true
		}
		if st.Code() != framework.Unschedulable || found >= limit {
			continue
		}
		if c := p.victimsOn(state, n); c != nil {
			found++
			if best == nil || c.betterThan(best) {
				best = c
			}
		}
	}
	if best == nil {
		return "", nil, false
	}
	return best.node, best.victims, true
}

// SelectVictims is SelectVictims with the scheduler's filters.
func (s *Scheduler) SelectVictims(pod *corev1.Pod, snap *framework.Snapshot) (node string, victims []*corev1.Pod, ok bool) {
	return SelectVictims(pod, snap, s.filters)
}

func eligibleToPreempt(pod *corev1.Pod, snap *framework.Snapshot) bool {
	if pod.Spec.PreemptionPolicy != nil && *pod.Spec.PreemptionPolicy == corev1.PreemptNever {
		return false
	}
	n := snap.Get(pod.Status.NominatedNodeName)
	if n == nil {
		return true
	}
	for _, pi := range n.Pods {
		if pi.Pod.DeletionTimestamp != nil && priority(pi.Pod) < priority(pod) {
			return false
		}
	}
	return true
}

func extensionsOf(filters []framework.FilterPlugin) []framework.PreFilterExtensions {
	var out []framework.PreFilterExtensions
	for _, f := range filters {
		if e, ok := f.(framework.PreFilterExtensions); ok {
			out = append(out, e)
		}
	}
	return out
}

type preemptor struct {
	pod     *corev1.Pod
	filters []framework.FilterPlugin
	exts    []framework.PreFilterExtensions
}

// victimsOn returns the minimal victims on n, or nil when evicting every lower-priority
// pod still does not make the pod fit.
func (p *preemptor) victimsOn(state *framework.CycleState, n *framework.NodeInfo) *candidate {
	prio := priority(p.pod)
	var lower []*framework.PodInfo
	for _, pi := range n.Pods {
		if priority(pi.Pod) < prio {
			lower = append(lower, pi)
		}
	}
	if len(lower) == 0 {
		return nil
	}
	st, ni := state.Clone(), n.Clone()
	for _, pi := range lower {
		p.remove(st, ni, pi)
	}
	if !RunFilters(st, p.pod, ni, p.filters).IsSuccess() {
		return nil
	}
	slices.SortStableFunc(lower, moreImportant)
	c := &candidate{node: n.Name()}
	for _, pi := range lower {
		p.add(st, ni, pi)
		if !RunFilters(st, p.pod, ni, p.filters).IsSuccess() {
			p.remove(st, ni, pi)
			c.addVictim(pi.Pod)
		}
	}
	return c
}

func (p *preemptor) remove(st *framework.CycleState, ni *framework.NodeInfo, pi *framework.PodInfo) {
	ni.RemovePod(pi.Pod)
	for _, e := range p.exts {
		e.RemovePod(st, p.pod, pi, ni)
	}
}

func (p *preemptor) add(st *framework.CycleState, ni *framework.NodeInfo, pi *framework.PodInfo) {
	ni.AddPod(pi)
	for _, e := range p.exts {
		e.AddPod(st, p.pod, pi, ni)
	}
}

// moreImportant orders pods by priority descending, then earlier start time first.
func moreImportant(a, b *framework.PodInfo) int {
	if pa, pb := priority(a.Pod), priority(b.Pod); pa != pb {
		return int(pb) - int(pa)
	}
	return startTime(a.Pod) - startTime(b.Pod)
}

func priority(pod *corev1.Pod) int32 {
	if pod.Spec.Priority != nil {
		return *pod.Spec.Priority
	}
	return 0
}

// startTime returns status.startTime in Unix seconds (MaxInt when unknown: not started).
func startTime(pod *corev1.Pod) int {
	if pod.Status.StartTime == nil {
		return math.MaxInt
	}
	return int(pod.Status.StartTime.Unix())
}
