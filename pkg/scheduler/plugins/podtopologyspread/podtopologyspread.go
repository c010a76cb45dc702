// Package podtopologyspread enforces DoNotSchedule topology spread constraints (maxSkew,
// topologyKey, labelSelector with matchLabelKeys, minDomains, nodeAffinityPolicy and
// nodeTaintsPolicy) and scores ScheduleAnyway constraints, preferring less crowded domains.
package podtopologyspread

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/selection"

	helper "k8s.io/component-helpers/scheduling/corev1/nodeaffinity"

	"skiff/pkg/scheduler/framework"
	"skiff/pkg/scheduler/plugins/tainttoleration"
)

// Name is the plugin name.
const Name = "PodTopologySpread"

// Upstream's failure reasons.
const (
	ErrReasonConstraintsNotMatch = "node(s) didn't match pod topology spread constraints"
	ErrReasonNodeLabelNotMatch   = ErrReasonConstraintsNotMatch + " (missing required label)"
)

// PodTopologySpread is the filter and score plugin; the zero value is ready to use.
type PodTopologySpread struct{}

var (
	_ framework.PreFilterPlugin     = (*PodTopologySpread)(nil)
	_ framework.PreFilterExtensions = (*PodTopologySpread)(nil)
	_ framework.FilterPlugin        = (*PodTopologySpread)(nil)
	_ framework.PreScorePlugin      = (*PodTopologySpread)(nil)
	_ framework.ScorePlugin         = (*PodTopologySpread)(nil)
	_ framework.ScoreExtensions     = (*PodTopologySpread)(nil)
)

// New returns the plugin.
func New() *PodTopologySpread { return &PodTopologySpread{} }

// Name returns Name.
func (*PodTopologySpread) Name() string { return Name }

// constraint is a parsed TopologySpreadConstraint.
type constraint struct {
	maxSkew       int64
	topologyKey   string
	selector      labels.Selector
	minDomains    int
	honorAffinity bool
	honorTaints   bool
}

func parseConstraints(pod *corev1.Pod, action corev1.UnsatisfiableConstraintAction) []constraint {
	var out []constraint
	for _, c := range pod.Spec.TopologySpreadConstraints {
		if c.WhenUnsatisfiable != action {
			continue
		}
		pc := constraint{
			maxSkew:       int64(c.MaxSkew),
			topologyKey:   c.TopologyKey,
			selector:      selector(pod, c.LabelSelector, c.MatchLabelKeys),
			minDomains:    1,
			honorAffinity: c.NodeAffinityPolicy == nil || *c.NodeAffinityPolicy == corev1.NodeInclusionPolicyHonor,
			honorTaints:   c.NodeTaintsPolicy != nil && *c.NodeTaintsPolicy == corev1.NodeInclusionPolicyHonor,
		}
		if c.MinDomains != nil {
			pc.minDomains = int(*c.MinDomains)
		}
		out = append(out, pc)
	}
	return out
}

// selector parses ls (nil matches nothing) and adds key In (pod's value) per matchLabelKeys.
func selector(pod *corev1.Pod, ls *metav1.LabelSelector, matchLabelKeys []string) labels.Selector {
	if ls == nil {
		return labels.Nothing()
	}
	sel, err := metav1.LabelSelectorAsSelector(ls)
	if err != nil {
		return labels.Nothing()
	}
	for _, k := range matchLabelKeys {
		if v, ok := pod.Labels[k]; ok {
			if r, err := labels.NewRequirement(k, selection.In, []string{v}); err == nil {
				sel = sel.Add(*r)
			}
		}
	}
	return sel
}

// eligible reports whether node's pods count for c per the inclusion policies: it matches
// the pod's node affinity and has no untolerated taints. Callers check the topology keys.
func (c *constraint) eligible(pod *corev1.Pod, aff helper.RequiredNodeAffinity, node *corev1.Node) bool {
	if c.honorAffinity {
		if match, err := aff.Match(node); err != nil || !match {
			return false
		}
	}
	return !c.honorTaints || tolerated(pod, node)
}

func tolerated(pod *corev1.Pod, node *corev1.Node) bool {
	for i := range node.Spec.Taints {
		t := &node.Spec.Taints[i]
		if t.Effect != corev1.TaintEffectPreferNoSchedule && !tainttoleration.Tolerates(pod.Spec.Tolerations, t) {
			return false
		}
	}
	return true
}

// countMatching counts the pods on n in namespace ns selected by sel, skipping pods
// being deleted.
func countMatching(n *framework.NodeInfo, ns string, sel labels.Selector) int64 {
	var count int64
	for _, p := range n.Pods {
		if p.Pod.Namespace == ns && p.Pod.DeletionTimestamp == nil && sel.Matches(labels.Set(p.Pod.Labels)) {
			count++
		}
	}
	return count
}

// hasAllKeys reports whether node has every constraint's topology key.
func hasAllKeys(cs []constraint, node *corev1.Node) bool {
	for i := range cs {
		if _, ok := node.Labels[cs[i].topologyKey]; !ok {
			return false
		}
	}
	return true
}
