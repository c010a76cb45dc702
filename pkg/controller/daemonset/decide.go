package daemonset

import (
	"slices"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	intstrutil "k8s.io/apimachinery/pkg/util/intstr"
)

// input is the cached state one sync decides from.
type input struct {
	ds    *appsv1.DaemonSet
	nodes []*corev1.Node
	pods  []*corev1.Pod // pods the DaemonSet controls
	hash  string        // revision hash of the current template
	now   time.Time
}

// plan lists the pod writes of one sync.
type plan struct {
	create []string      // node names that get a new pod
	delete []*corev1.Pod // pods to delete
}

// nodeState is one node's view: eligibility and the daemon's live pods there.
type nodeState struct {
	name     string
	el       eligibility
	new, old []*corev1.Pod // live pods at the current / an older revision, oldest first
}

// desired reports whether the node should have a daemon pod.
func (n *nodeState) desired() bool { return n.el.run || (n.el.keep && len(n.new)+len(n.old) > 0) }

// decide computes the pod writes for one sync. It is pure.
func decide(in input) plan {
	var p plan
	for _, n := range p.collect(in) {
		p.reconcileNode(n, in)
	}
	if in.ds.Spec.UpdateStrategy.Type != appsv1.OnDeleteDaemonSetStrategyType {
		p.rollOut(in)
	}
	return p
}

// collect groups live pods by node, scheduling deletion of finished pods and of pods pinned to
// nodes that do not exist. Nodes are sorted by name.
func (p *plan) collect(in input) []*nodeState {
	byName := map[string]*nodeState{}
	var out []*nodeState
	for _, node := range in.nodes {
		n := &nodeState{name: node.Name, el: evaluate(&in.ds.Spec.Template.Spec, node)}
		byName[node.Name] = n
		out = append(out, n)
	}
	pods := slices.Clone(in.pods)
	slices.SortStableFunc(pods, func(a, b *corev1.Pod) int { return a.CreationTimestamp.Compare(b.CreationTimestamp.Time) })
	for _, pod := range pods {
		n, ok := byName[targetNode(pod)]
		switch {
		case pod.DeletionTimestamp != nil:
		case !ok || pod.Status.Phase == corev1.PodFailed || pod.Status.Phase == corev1.PodSucceeded:
			p.delete = append(p.delete, pod)
		case pod.Labels[appsv1.DefaultDaemonSetUniqueLabelKey] == in.hash:
			n.new = append(n.new, pod)
		default:
			n.old = append(n.old, pod)
		}
	}
	slices.SortFunc(out, func(a, b *nodeState) int { return strings.Compare(a.name, b.name) })
	return out
}

// reconcileNode creates a missing pod, removes duplicates, and removes pods from nodes that
// may no longer run them.
func (p *plan) reconcileNode(n *nodeState, in input) {
	if !n.desired() {
		p.delete = append(p.delete, n.new...)
		p.delete = append(p.delete, n.old...)
		n.new, n.old = nil, nil
		return
	}
	if len(n.new)+len(n.old) == 0 {
		p.create = append(p.create, n.name)
		return
	}
	if len(n.new) > 1 {
		p.delete = append(p.delete, n.new[1:]...)
		n.new = n.new[:1]
	}
	if len(n.old) > 1 && (len(n.new) > 0 || in.ds.Spec.UpdateStrategy.Type == appsv1.OnDeleteDaemonSetStrategyType) {
		return // the rollout (or the user) replaces old pods
	}
	if len(n.old) > 1 {
		p.delete = append(p.delete, n.old[1:]...)
		n.old = n.old[:1]
	}
}

// rollOut replaces old pods: without surge, delete old pods while at most maxUnavailable
// nodes lack an available daemon; with surge, start new pods beside available old ones (up to
// maxSurge) and delete old pods once the new one is available.
func (p *plan) rollOut(in input) {
	nodes := p.collectDesired(in)
	surge, unavailable := limits(in.ds, len(nodes))
	if surge > 0 {
		p.surge(in, nodes, surge)
		return
	}
	down := 0
	var candidates []*corev1.Pod
	for _, n := range nodes {
		cur := append(slices.Clone(n.new), n.old...)
		if len(cur) == 0 || !availableAny(cur, in) {
			down++
		}
		for _, old := range n.old {
			if available(old, in.ds.Spec.MinReadySeconds, in.now) {
				candidates = append(candidates, old)
			} else {
				p.delete = append(p.delete, old)
			}
		}
	}
	if budget := unavailable - down; budget > 0 {
		p.delete = append(p.delete, candidates[:min(budget, len(candidates))]...)
	}
}

// surge implements rollOut with maxSurge > 0.
func (p *plan) surge(in input, nodes []*nodeState, maxSurge int) {
	used := 0
	for _, n := range nodes {
		if len(n.new) > 0 && len(n.old) > 0 {
			used++
		}
	}
	for _, n := range nodes {
		switch {
		case len(n.old) == 0:
		case len(n.new) > 0 && availableAny(n.new, in):
			p.delete = append(p.delete, n.old...)
		case len(n.new) > 0:
		case !availableAny(n.old, in):
			p.create = append(p.create, n.name)
		case used < maxSurge:
			used++
			p.create = append(p.create, n.name)
		}
	}
}

// collectDesired returns the nodes that should run the daemon, with the pods not already
// scheduled for deletion.
func (p *plan) collectDesired(in input) []*nodeState {
	var q plan
	var out []*nodeState
	for _, n := range q.collect(in) {
		if !n.desired() {
			continue
		}
		n.new = slices.DeleteFunc(n.new, func(x *corev1.Pod) bool { return slices.Contains(p.delete, x) })
		n.old = slices.DeleteFunc(n.old, func(x *corev1.Pod) bool { return slices.Contains(p.delete, x) })
		out = append(out, n)
	}
	return out
}

// limits resolves maxSurge and maxUnavailable against the desired node count; at least one of
// them is positive.
func limits(ds *appsv1.DaemonSet, desired int) (surge, unavailable int) {
	ru := ds.Spec.UpdateStrategy.RollingUpdate
	one := intstrutil.FromInt32(1)
	maxU, maxS := &one, (*intstrutil.IntOrString)(nil)
	if ru != nil {
		if ru.MaxUnavailable != nil {
			maxU = ru.MaxUnavailable
		}
		maxS = ru.MaxSurge
	}
	if maxS != nil {
		surge, _ = intstrutil.GetScaledValueFromIntOrPercent(maxS, desired, true)
	}
	unavailable, _ = intstrutil.GetScaledValueFromIntOrPercent(maxU, desired, true)
	if surge == 0 && unavailable == 0 {
		unavailable = 1
	}
	return surge, unavailable
}

func availableAny(pods []*corev1.Pod, in input) bool {
	for _, p := range pods {
		if available(p, in.ds.Spec.MinReadySeconds, in.now) {
			return true
		}
	}
	return false
}

func readyAny(pods []*corev1.Pod) bool {
	return slices.ContainsFunc(pods, isReady)
}

func isReady(pod *corev1.Pod) bool {
	for _, c := range pod.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// available reports whether pod has been ready for minReadySeconds at now.
func available(pod *corev1.Pod, minReady int32, now time.Time) bool {
	if pod.DeletionTimestamp != nil {
		return false
	}
	for _, c := range pod.Status.Conditions {
		if c.Type == corev1.PodReady && c.Status == corev1.ConditionTrue {
			return minReady == 0 || !c.LastTransitionTime.Add(time.Duration(minReady)*time.Second).After(now)
		}
	}
	return false
}
