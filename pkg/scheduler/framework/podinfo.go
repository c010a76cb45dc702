package framework

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/selection"
)

// PodInfo is a pod with everything the plugins need precomputed once: its requests, host
// ports and parsed inter-pod affinity terms. PodInfos are immutable after NewPodInfo.
type PodInfo struct {
	Pod                   *corev1.Pod
	Requests              Resource
	NonZeroRequests       Resource
	HostPorts             []HostPort
	RequiredAffinity      []AffinityTerm
	RequiredAntiAffinity  []AffinityTerm
	PreferredAffinity     []WeightedAffinityTerm
	PreferredAntiAffinity []WeightedAffinityTerm
}

// NewPodInfo precomputes pod's scheduling data. The pod is referenced, not copied; callers
// must not mutate it afterwards. Invalid label selectors match nothing.
func NewPodInfo(pod *corev1.Pod) *PodInfo {
	pi := &PodInfo{
		Pod:             pod,
		Requests:        PodRequests(pod),
		NonZeroRequests: PodNonZeroRequests(pod),
		HostPorts:       PodHostPorts(pod),
	}
	aff := pod.Spec.Affinity
	if aff == nil {
		return pi
	}
	if a := aff.PodAffinity; a != nil {
		pi.RequiredAffinity = newTerms(pod, a.RequiredDuringSchedulingIgnoredDuringExecution)
		pi.PreferredAffinity = newWeightedTerms(pod, a.PreferredDuringSchedulingIgnoredDuringExecution)
	}
	if a := aff.PodAntiAffinity; a != nil {
		pi.RequiredAntiAffinity = newTerms(pod, a.RequiredDuringSchedulingIgnoredDuringExecution)
		pi.PreferredAntiAffinity = newWeightedTerms(pod, a.PreferredDuringSchedulingIgnoredDuringExecution)
	}
	return pi
}

// HasAffinity reports whether the pod has any inter-pod affinity or anti-affinity term.
func (p *PodInfo) HasAffinity() bool {
	return len(p.RequiredAntiAffinity) > 0 || p.HasScoringAffinity()
}

// HasScoringAffinity reports whether the pod has a term that counts when scoring other
// pods: required affinity, or preferred affinity or anti-affinity.
func (p *PodInfo) HasScoringAffinity() bool {
	return len(p.RequiredAffinity)+len(p.PreferredAffinity)+len(p.PreferredAntiAffinity) > 0
}

// AffinityTerm is a parsed PodAffinityTerm. A pod matches when it is in one of Namespaces
// (or its namespace's labels match NamespaceSelector) and its labels match Selector.
type AffinityTerm struct {
	Namespaces        map[string]struct{}
	NamespaceSelector labels.Selector // nil: only Namespaces count
	Selector          labels.Selector
	TopologyKey       string
}

// WeightedAffinityTerm is a parsed preferred term with its weight.
type WeightedAffinityTerm struct {
	AffinityTerm
	Weight int32
}

// Matches reports whether pod is selected by the term. nsLabels returns a namespace's
// labels; it is only called when the term has a namespace selector and may be nil.
func (t *AffinityTerm) Matches(pod *corev1.Pod, nsLabels func(string) labels.Set) bool {
	if !t.namespaceMatches(pod.Namespace, nsLabels) {
		return false
	}
	return t.Selector.Matches(labels.Set(pod.Labels))
}

func (t *AffinityTerm) namespaceMatches(ns string, nsLabels func(string) labels.Set) bool {
	if _, ok := t.Namespaces[ns]; ok {
		return true
	}
	switch {
	case t.NamespaceSelector == nil:
		return false
	case t.NamespaceSelector.Empty():
		return true
	case nsLabels == nil:
		return false
	}
	return t.NamespaceSelector.Matches(nsLabels(ns))
}

func newTerms(owner *corev1.Pod, terms []corev1.PodAffinityTerm) []AffinityTerm {
	out := make([]AffinityTerm, 0, len(terms))
	for i := range terms {
		out = append(out, newTerm(owner, &terms[i]))
	}
	return out
}

func newWeightedTerms(owner *corev1.Pod, terms []corev1.WeightedPodAffinityTerm) []WeightedAffinityTerm {
	out := make([]WeightedAffinityTerm, 0, len(terms))
	for i := range terms {
		t := newTerm(owner, &terms[i].PodAffinityTerm)
		out = append(out, WeightedAffinityTerm{AffinityTerm: t, Weight: terms[i].Weight})
	}
	return out
}

func newTerm(owner *corev1.Pod, t *corev1.PodAffinityTerm) AffinityTerm {
	term := AffinityTerm{
		Namespaces:  make(map[string]struct{}, len(t.Namespaces)+1),
		Selector:    termSelector(owner, t),
		TopologyKey: t.TopologyKey,
	}
	for _, ns := range t.Namespaces {
		term.Namespaces[ns] = struct{}{}
	}
	if t.NamespaceSelector != nil {
		term.NamespaceSelector = selectorOrNothing(t.NamespaceSelector)
	}
	if len(t.Namespaces) == 0 && t.NamespaceSelector == nil {
		term.Namespaces[owner.Namespace] = struct{}{}
	}
	return term
}

// termSelector parses the label selector and folds in matchLabelKeys (In the owner's
// value) and mismatchLabelKeys (NotIn the owner's value).
func termSelector(owner *corev1.Pod, t *corev1.PodAffinityTerm) labels.Selector {
	sel := selectorOrNothing(t.LabelSelector)
	if t.LabelSelector == nil {
		return sel
	}
	sel = addKeyRequirements(sel, owner, t.MatchLabelKeys, selection.In)
	return addKeyRequirements(sel, owner, t.MismatchLabelKeys, selection.NotIn)
}

func addKeyRequirements(sel labels.Selector, owner *corev1.Pod, keys []string, op selection.Operator) labels.Selector {
	for _, k := range keys {
		v, ok := owner.Labels[k]
		if !ok {
			continue
		}
		if r, err := labels.NewRequirement(k, op, []string{v}); err == nil {
			sel = sel.Add(*r)
		}
	}
	return sel
}

// selectorOrNothing converts a LabelSelector; nil or invalid selectors match nothing.
func selectorOrNothing(ls *metav1.LabelSelector) labels.Selector {
	if ls == nil {
		return labels.Nothing()
	}
	sel, err := metav1.LabelSelectorAsSelector(ls)
	if err != nil {
		return labels.Nothing()
	}
	return sel
}
