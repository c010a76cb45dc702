package nodelifecycle

import (
	"slices"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// probe is the last heartbeat the controller saw from a node: a fingerprint of the lease
// renewTime and Ready heartbeat, and the controller's time when it last changed.
type probe struct {
	fingerprint string
	seen        time.Time
}

// observe returns p updated with the current fingerprint at now.
func observe(p probe, ok bool, fingerprint string, now time.Time) probe {
	if ok && p.fingerprint == fingerprint {
		return p
	}
	return probe{fingerprint: fingerprint, seen: now}
}

// fingerprint summarises a node's heartbeats: its lease's renewTime and its Ready condition's
// lastHeartbeatTime. lease may be nil.
func fingerprint(n *corev1.Node, lease string) string {
	hb := ""
	if c := condition(n, corev1.NodeReady); c != nil {
		hb = c.LastHeartbeatTime.UTC().Format(time.RFC3339Nano)
	}
	return lease + "|" + hb
}

func condition(n *corev1.Node, t corev1.NodeConditionType) *corev1.NodeCondition {
	for i := range n.Status.Conditions {
		if n.Status.Conditions[i].Type == t {
			return &n.Status.Conditions[i]
		}
	}
	return nil
}

// unknownTypes are the conditions a silent node's are set to Unknown (as upstream).
var unknownTypes = []corev1.NodeConditionType{corev1.NodeReady, corev1.NodeMemoryPressure, corev1.NodeDiskPressure, corev1.NodePIDPressure}

// staleConditions returns the node's conditions with those in unknownTypes set to Unknown,
// and whether anything changed. Missing conditions are added as never updated.
func staleConditions(n *corev1.Node, now time.Time) ([]corev1.NodeCondition, bool) {
	out := slices.Clone(n.Status.Conditions)
	changed := false
	t := metav1.NewTime(now)
	for _, ct := range unknownTypes {
		i := slices.IndexFunc(out, func(c corev1.NodeCondition) bool { return c.Type == ct })
		if i < 0 {
			out = append(out, corev1.NodeCondition{Type: ct, Status: corev1.ConditionUnknown, Reason: "NodeStatusNeverUpdated",
				Message: "Kubelet never posted node status.", LastHeartbeatTime: t, LastTransitionTime: t})
			changed = true
			continue
		}
		if out[i].Status != corev1.ConditionUnknown {
			out[i].Status, out[i].Reason, out[i].Message = corev1.ConditionUnknown, "NodeStatusUnknown", "Kubelet stopped posting node status."
			out[i].LastTransitionTime = t
			changed = true
		}
	}
	return out, changed
}

// nodePlan is what the monitor writes for one node: new conditions (if statusChanged) and new
// taints (if taintsChanged).
type nodePlan struct {
	conditions    []corev1.NodeCondition
	statusChanged bool
	taints        []corev1.Taint
	taintsChanged bool
}

// decideNode plans the status and taints of node n whose last heartbeat the controller saw at
// lastSeen.
func decideNode(n *corev1.Node, lastSeen, now time.Time, grace time.Duration) nodePlan {
	p := nodePlan{conditions: n.Status.Conditions}
	if now.Sub(lastSeen) > grace {
		p.conditions, p.statusChanged = staleConditions(n, now)
	}
	p.taints, p.taintsChanged = desiredTaints(n.Spec.Taints, p.conditions, now)
	return p
}

// managed are the taints this controller owns.
var managed = []corev1.Taint{
	{Key: corev1.TaintNodeNotReady, Effect: corev1.TaintEffectNoSchedule},
	{Key: corev1.TaintNodeNotReady, Effect: corev1.TaintEffectNoExecute},
	{Key: corev1.TaintNodeUnreachable, Effect: corev1.TaintEffectNoSchedule},
	{Key: corev1.TaintNodeUnreachable, Effect: corev1.TaintEffectNoExecute},
	{Key: corev1.TaintNodeMemoryPressure, Effect: corev1.TaintEffectNoSchedule},
	{Key: corev1.TaintNodeDiskPressure, Effect: corev1.TaintEffectNoSchedule},
	{Key: corev1.TaintNodePIDPressure, Effect: corev1.TaintEffectNoSchedule},
}

// pressureTaints maps a pressure condition to the NoSchedule taint it calls for while True
// (upstream's taint-nodes-by-condition): new pods stay off a node short of memory, disk or
// PIDs; pods already there are not evicted by the taint.
var pressureTaints = map[corev1.NodeConditionType]string{
	corev1.NodeMemoryPressure: corev1.TaintNodeMemoryPressure,
	corev1.NodeDiskPressure:   corev1.TaintNodeDiskPressure,
	corev1.NodePIDPressure:    corev1.TaintNodePIDPressure,
}

// taintKeyFor is the taint key a Ready status calls for ("" for none). ok is false when the
// node has no Ready condition yet: its managed taints are left alone.
func taintKeyFor(ready corev1.ConditionStatus) (key string, ok bool) {
	switch ready {
	case corev1.ConditionTrue:
		return "", true
	case corev1.ConditionFalse:
		return corev1.TaintNodeNotReady, true
	case corev1.ConditionUnknown:
		return corev1.TaintNodeUnreachable, true
	}
	return "", false
}

// wantedTaints lists the managed taints conditions call for: NoSchedule and NoExecute for a
// Ready status other than True, NoSchedule for each pressure condition that is True. ok is
// false when the node has no Ready condition yet.
func wantedTaints(conditions []corev1.NodeCondition) (want []corev1.Taint, ok bool) {
	ready := corev1.ConditionStatus("")
	for _, c := range conditions {
		if c.Type == corev1.NodeReady {
			ready = c.Status
		}
	}
	key, ok := taintKeyFor(ready)
	if !ok {
		return nil, false
	}
	if key != "" {
		want = append(want, corev1.Taint{Key: key, Effect: corev1.TaintEffectNoSchedule}, corev1.Taint{Key: key, Effect: corev1.TaintEffectNoExecute})
	}
	for _, c := range conditions {
		if k, isPressure := pressureTaints[c.Type]; isPressure && c.Status == corev1.ConditionTrue {
			want = append(want, corev1.Taint{Key: k, Effect: corev1.TaintEffectNoSchedule})
		}
	}
	return want, true
}

// desiredTaints returns existing with the managed taints the conditions call for: other
// managed taints removed, missing ones added (NoExecute with timeAdded now), present ones kept
// as they are. changed reports a difference. A node without a Ready condition keeps its taints.
func desiredTaints(existing []corev1.Taint, conditions []corev1.NodeCondition, now time.Time) ([]corev1.Taint, bool) {
	want, ok := wantedTaints(conditions)
	if !ok {
		return existing, false
	}
	same := func(a, b corev1.Taint) bool { return a.Key == b.Key && a.Effect == b.Effect }
	out := slices.DeleteFunc(slices.Clone(existing), func(t corev1.Taint) bool {
		return isManaged(t) && !slices.ContainsFunc(want, func(w corev1.Taint) bool { return same(w, t) })
	})
	changed := len(out) != len(existing)
	for _, w := range want {
		if slices.ContainsFunc(out, func(t corev1.Taint) bool { return same(w, t) }) {
			continue
		}
		if w.Effect == corev1.TaintEffectNoExecute {
			added := metav1.NewTime(now)
			w.TimeAdded = &added
		}
		out = append(out, w)
		changed = true
	}
	return out, changed
}

func isManaged(t corev1.Taint) bool {
	return slices.ContainsFunc(managed, func(m corev1.Taint) bool { return m.Key == t.Key && m.Effect == t.Effect })
}
