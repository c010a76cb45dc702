// Package tainttoleration filters out nodes with NoSchedule/NoExecute taints the pod does
// not tolerate and prefers nodes with fewer untolerated PreferNoSchedule taints.
package tainttoleration

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"

	"skiff/pkg/scheduler/framework"
)

// Name is the plugin name.
const Name = "TaintToleration"

const stateKey framework.StateKey = Name

// TaintToleration is the filter and score plugin; the zero value is ready to use.
type TaintToleration struct{}

var (
	_ framework.FilterPlugin    = (*TaintToleration)(nil)
	_ framework.PreScorePlugin  = (*TaintToleration)(nil)
	_ framework.ScorePlugin     = (*TaintToleration)(nil)
	_ framework.ScoreExtensions = (*TaintToleration)(nil)
)

// New returns the plugin.
func New() *TaintToleration { return &TaintToleration{} }

// Name returns Name.
func (*TaintToleration) Name() string { return Name }

// Filter rejects (UnschedulableAndUnresolvable) a node whose first untolerated
// NoSchedule or NoExecute taint is reported as "node(s) had untolerated taint {key: value}".
func (*TaintToleration) Filter(_ *framework.CycleState, pod *corev1.Pod, n *framework.NodeInfo) *framework.Status {
	for i := range n.Node.Spec.Taints {
		t := &n.Node.Spec.Taints[i]
		if t.Effect == corev1.TaintEffectPreferNoSchedule || Tolerates(pod.Spec.Tolerations, t) {
			continue
		}
		reason := fmt.Sprintf("node(s) had untolerated taint {%s: %s}", t.Key, t.Value)
		return framework.NewStatus(framework.UnschedulableAndUnresolvable, reason)
	}
	return nil
}

type preferTolerations []corev1.Toleration

// Clone implements framework.StateData.
func (p preferTolerations) Clone() framework.StateData { return p }

// PreScore keeps the tolerations that can tolerate PreferNoSchedule taints.
func (*TaintToleration) PreScore(state *framework.CycleState, pod *corev1.Pod, _ *framework.Snapshot, _ []*framework.NodeInfo) *framework.Status {
	var tols preferTolerations
	for _, t := range pod.Spec.Tolerations {
		if t.Effect == "" || t.Effect == corev1.TaintEffectPreferNoSchedule {
			tols = append(tols, t)
		}
	}
	state.Write(stateKey, tols)
	return nil
}

// Score counts the node's untolerated PreferNoSchedule taints (lower is better; see
// NormalizeScore).
func (*TaintToleration) Score(state *framework.CycleState, pod *corev1.Pod, n *framework.NodeInfo) (int64, *framework.Status) {
	tols, _ := state.Read(stateKey).(preferTolerations)
	var count int64
	for i := range n.Node.Spec.Taints {
		t := &n.Node.Spec.Taints[i]
		if t.Effect == corev1.TaintEffectPreferNoSchedule && !Tolerates(tols, t) {
			count++
		}
	}
	return count, nil
}

// NormalizeScore maps counts to 0..100, fewest untolerated taints scoring 100.
func (*TaintToleration) NormalizeScore(_ *framework.CycleState, _ *corev1.Pod, scores []framework.NodeScore) *framework.Status {
	framework.DefaultNormalizeScore(true, scores)
	return nil
}
