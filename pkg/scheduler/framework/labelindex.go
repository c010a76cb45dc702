package framework

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/selection"
)

// LabelPair is one namespace-scoped pod label key=value.
type LabelPair struct {
	Namespace, Key, Value string
}

// labelIndex counts the non-terminating pods carrying each label per node:
// LabelPair -> node name -> pods.
type labelIndex map[LabelPair]map[string]int

func (x labelIndex) update(pod *corev1.Pod, node string, delta int) {
	if pod.DeletionTimestamp != nil {
		return
	}
	for k, v := range pod.Labels {
		lp := LabelPair{pod.Namespace, k, v}
		m := x[lp]
		if m == nil {
			m = map[string]int{}
			x[lp] = m
		}
		m[node] += delta
		if m[node] <= 0 {
			delete(m, node)
		}
		if len(m) == 0 {
			delete(x, lp)
		}
	}
}

// SingleLabel reports whether sel selects exactly the pods with one label key=value
// (matchLabels of one entry, or one In/= requirement with one value), and which.
func SingleLabel(sel labels.Selector) (key, value string, ok bool) {
	reqs, selectable := sel.Requirements()
	if !selectable || len(reqs) != 1 {
		return "", "", false
	}
	r := reqs[0]
	switch r.Operator() {
	case selection.Equals, selection.DoubleEquals, selection.In:
	default:
		return "", "", false
	}
	if r.Values().Len() != 1 {
		return "", "", false
	}
	return r.Key(), r.Values().UnsortedList()[0], true
}
