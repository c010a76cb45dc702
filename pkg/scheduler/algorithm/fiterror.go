package algorithm

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"skiff/pkg/scheduler/framework"
)

// ErrNoNodesAvailable is returned when the snapshot has no nodes at all.
var ErrNoNodesAvailable = errors.New("no nodes available to schedule pods")

// FitError explains why no node fits the pod.
type FitError struct {
	Pod         *corev1.Pod
	NumAllNodes int
	// NodeToStatus holds the failing status of every evaluated node, by node name.
	NodeToStatus map[string]*framework.Status
	// PreFilterMsg is set when a PreFilter plugin rejected the pod on all nodes.
	PreFilterMsg string
	// PostFilterMsg is appended after the filter reasons, e.g. preemption's explanation.
	PostFilterMsg string
}

// Error formats the error exactly as upstream kube-scheduler, e.g.
// "0/3 nodes are available: 1 node(s) had untolerated taint {k: v}, 2 Insufficient cpu."
// Each reason is counted over nodes; "count reason" strings are sorted and joined by ", ".
func (f *FitError) Error() string {
	msg := fmt.Sprintf("0/%d nodes are available:", f.NumAllNodes)
	if f.PreFilterMsg != "" {
		msg += " " + f.PreFilterMsg + "."
	} else if reasons := f.histogram(); len(reasons) > 0 {
		msg += " " + strings.Join(reasons, ", ") + "."
	}
	if f.PostFilterMsg != "" {
		msg += " " + f.PostFilterMsg + "."
	}
	return msg
}

func (f *FitError) histogram() []string {
	counts := map[string]int{}
	for _, st := range f.NodeToStatus {
		for _, r := range st.Reasons() {
			counts[r]++
		}
	}
	out := make([]string, 0, len(counts))
	for r, n := range counts {
		out = append(out, fmt.Sprintf("%d %s", n, r))
	}
	sort.Strings(out)
	return out
}
