package nodelifecycle

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

var t0 = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

func readyNode(status corev1.ConditionStatus, taints ...corev1.Taint) *corev1.Node {
	return &corev1.Node{Spec: corev1.NodeSpec{Taints: taints}, Status: corev1.NodeStatus{Conditions: []corev1.NodeCondition{
		{Type: corev1.NodeReady, Status: status, LastHeartbeatTime: metav1.NewTime(t0)},
		{Type: corev1.NodeMemoryPressure, Status: corev1.ConditionFalse},
		{Type: corev1.NodeDiskPressure, Status: corev1.ConditionFalse},
		{Type: corev1.NodePIDPressure, Status: corev1.ConditionFalse},
	}}}
}

// withPressure sets condition c of n to status.
func withPressure(n *corev1.Node, c corev1.NodeConditionType, status corev1.ConditionStatus) *corev1.Node {
	for i := range n.Status.Conditions {
		if n.Status.Conditions[i].Type == c {
			n.Status.Conditions[i].Status = status
		}
	}
	return n
}

func noExec(key string, added time.Time) corev1.Taint {
	a := metav1.NewTime(added)
	return corev1.Taint{Key: key, Effect: corev1.TaintEffectNoExecute, TimeAdded: &a}
}

func noSched(key string) corev1.Taint {
	return corev1.Taint{Key: key, Effect: corev1.TaintEffectNoSchedule}
}

func TestObserve(t *testing.T) {
	p := observe(probe{}, false, "a", t0)
	if got := observe(p, true, "a", t0.Add(time.Minute)); got.seen != t0 {
		t.Errorf("unchanged heartbeat moved seen to %v", got.seen)
	}
	if got := observe(p, true, "b", t0.Add(time.Minute)); got.seen != t0.Add(time.Minute) {
		t.Errorf("new heartbeat: seen = %v, want %v", got.seen, t0.Add(time.Minute))
	}
}

func TestDecideNode(t *testing.T) {
	grace := 15 * time.Second
	now := t0.Add(time.Minute)
	custom := corev1.Taint{Key: "dedicated", Value: "gpu", Effect: corev1.TaintEffectNoSchedule}
	tests := []struct {
		name       string
		node       *corev1.Node
		lastSeen   time.Time
		wantStatus bool
		wantReady  corev1.ConditionStatus
		wantTaints []corev1.Taint
		wantChange bool
	}{
		{"fresh and ready", readyNode(corev1.ConditionTrue, custom), now.Add(-5 * time.Second), false, corev1.ConditionTrue, []corev1.Taint{custom}, false},
		{"silent within grace (missed one renewal)", readyNode(corev1.ConditionTrue), now.Add(-14 * time.Second), false, corev1.ConditionTrue, nil, false},
		{"silent past grace", readyNode(corev1.ConditionTrue, custom), now.Add(-16 * time.Second), true, corev1.ConditionUnknown,
			[]corev1.Taint{custom, noSched(corev1.TaintNodeUnreachable), noExec(corev1.TaintNodeUnreachable, now)}, true},
		{"already unknown and tainted; pressure conditions follow", readyNode(corev1.ConditionUnknown, noSched(corev1.TaintNodeUnreachable), noExec(corev1.TaintNodeUnreachable, t0)),
			now.Add(-time.Hour), true, corev1.ConditionUnknown, []corev1.Taint{noSched(corev1.TaintNodeUnreachable), noExec(corev1.TaintNodeUnreachable, t0)}, false},
		{"recovered", readyNode(corev1.ConditionTrue, custom, noSched(corev1.TaintNodeUnreachable), noExec(corev1.TaintNodeUnreachable, t0)),
			now, false, corev1.ConditionTrue, []corev1.Taint{custom}, true},
		{"memory pressure", withPressure(readyNode(corev1.ConditionTrue, custom), corev1.NodeMemoryPressure, corev1.ConditionTrue), now, false, corev1.ConditionTrue,
			[]corev1.Taint{custom, noSched(corev1.TaintNodeMemoryPressure)}, true},
		{"disk and PID pressure, memory taint already there and kept", withPressure(withPressure(readyNode(corev1.ConditionTrue, noSched(corev1.TaintNodeMemoryPressure)),
			corev1.NodeDiskPressure, corev1.ConditionTrue), corev1.NodePIDPressure, corev1.ConditionTrue), now, false, corev1.ConditionTrue,
			[]corev1.Taint{noSched(corev1.TaintNodeDiskPressure), noSched(corev1.TaintNodePIDPressure)}, true},
		{"pressure over", readyNode(corev1.ConditionTrue, noSched(corev1.TaintNodeDiskPressure)), now, false, corev1.ConditionTrue, []corev1.Taint{}, true},
		{"silent past grace: pressure goes Unknown, its taint goes", withPressure(readyNode(corev1.ConditionTrue, noSched(corev1.TaintNodeMemoryPressure)), corev1.NodeMemoryPressure, corev1.ConditionTrue),
			now.Add(-16 * time.Second), true, corev1.ConditionUnknown, []corev1.Taint{noSched(corev1.TaintNodeUnreachable), noExec(corev1.TaintNodeUnreachable, now)}, true},
		{"not ready", readyNode(corev1.ConditionFalse, noExec(corev1.TaintNodeUnreachable, t0)), now, false, corev1.ConditionFalse,
			[]corev1.Taint{noSched(corev1.TaintNodeNotReady), noExec(corev1.TaintNodeNotReady, now)}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := decideNode(tt.node, tt.lastSeen, now, grace)
			if p.statusChanged != tt.wantStatus {
				t.Errorf("statusChanged = %v, want %v", p.statusChanged, tt.wantStatus)
			}
			n := &corev1.Node{Status: corev1.NodeStatus{Conditions: p.conditions}}
			if got := condition(n, corev1.NodeReady).Status; got != tt.wantReady {
				t.Errorf("Ready = %s, want %s", got, tt.wantReady)
			}
			if d := cmp.Diff(tt.wantTaints, p.taints); d != "" {
				t.Errorf("taints (-want +got):\n%s", d)
			}
			if p.taintsChanged != tt.wantChange {
				t.Errorf("taintsChanged = %v, want %v", p.taintsChanged, tt.wantChange)
			}
		})
	}
}

func TestStaleConditions(t *testing.T) {
	now := t0.Add(time.Minute)
	got, changed := staleConditions(readyNode(corev1.ConditionTrue), now)
	if !changed {
		t.Fatal("changed = false")
	}
	for _, c := range got {
		want := corev1.NodeCondition{Type: c.Type, Status: corev1.ConditionUnknown, Reason: "NodeStatusUnknown",
			Message: "Kubelet stopped posting node status.", LastTransitionTime: metav1.NewTime(now), LastHeartbeatTime: c.LastHeartbeatTime}
		if d := cmp.Diff(want, c); d != "" {
			t.Errorf("condition %s (-want +got):\n%s", c.Type, d)
		}
	}
	if hb := got[0].LastHeartbeatTime.Time; !hb.Equal(t0) {
		t.Errorf("lastHeartbeatTime changed to %v", hb)
	}
	never, _ := staleConditions(&corev1.Node{}, now)
	if len(never) != 4 || never[0].Reason != "NodeStatusNeverUpdated" {
		t.Errorf("node without conditions: got %+v", never)
	}
}

func TestEvictionTime(t *testing.T) {
	now := t0.Add(time.Minute)
	secs := func(v int64) *int64 { return &v }
	unreach := []corev1.Taint{noSched(corev1.TaintNodeUnreachable), noExec(corev1.TaintNodeUnreachable, t0)}
	tol := func(key string, s *int64) corev1.Toleration {
		return corev1.Toleration{Key: key, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute, TolerationSeconds: s}
	}
	tests := []struct {
		name      string
		tols      []corev1.Toleration
		taints    []corev1.Taint
		wantAt    time.Time
		wantEvict bool
	}{
		{"no taints", nil, nil, time.Time{}, false},
		{"NoSchedule only", nil, []corev1.Taint{noSched(corev1.TaintNodeUnreachable)}, time.Time{}, false},
		{"no toleration: now", nil, unreach, now, true},
		{"other key tolerated: now", []corev1.Toleration{tol(corev1.TaintNodeNotReady, nil)}, unreach, now, true},
		{"tolerated for 10s from timeAdded", []corev1.Toleration{tol(corev1.TaintNodeUnreachable, secs(10))}, unreach, t0.Add(10 * time.Second), true},
		{"shortest matching toleration wins", []corev1.Toleration{tol(corev1.TaintNodeUnreachable, secs(300)), tol("", secs(20))}, unreach, t0.Add(20 * time.Second), true},
		{"tolerated forever", []corev1.Toleration{tol(corev1.TaintNodeUnreachable, nil)}, unreach, time.Time{}, false},
		{"negative seconds means now-ish", []corev1.Toleration{tol(corev1.TaintNodeUnreachable, secs(-5))}, unreach, t0, true},
		{"timeAdded unset counts from now", []corev1.Toleration{tol(corev1.TaintNodeUnreachable, secs(10))},
			[]corev1.Taint{{Key: corev1.TaintNodeUnreachable, Effect: corev1.TaintEffectNoExecute}}, now.Add(10 * time.Second), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			at, evict := evictionTime(tt.tols, tt.taints, now)
			if evict != tt.wantEvict || !at.Equal(tt.wantAt) {
				t.Errorf("evictionTime = (%v, %v), want (%v, %v)", at, evict, tt.wantAt, tt.wantEvict)
			}
		})
	}
}
