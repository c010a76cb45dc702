package podcond

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestSet(t *testing.T) {
	t0 := metav1.NewTime(time.Unix(100, 0))
	t1 := metav1.NewTime(time.Unix(200, 0))
	ready := func(s corev1.ConditionStatus, at metav1.Time, reason string) corev1.PodCondition {
		return corev1.PodCondition{Type: corev1.PodReady, Status: s, LastTransitionTime: at, Reason: reason}
	}
	sched := corev1.PodCondition{Type: corev1.PodScheduled, Status: corev1.ConditionTrue, LastTransitionTime: t0}
	tests := []struct {
		name string
		have []corev1.PodCondition
		set  corev1.PodCondition
		want []corev1.PodCondition
	}{
		{"appended", []corev1.PodCondition{sched}, ready(corev1.ConditionTrue, t1, ""),
			[]corev1.PodCondition{sched, ready(corev1.ConditionTrue, t1, "")}},
		{"same status keeps the transition time, takes the new reason", []corev1.PodCondition{ready(corev1.ConditionFalse, t0, "a")},
			ready(corev1.ConditionFalse, t1, "b"), []corev1.PodCondition{ready(corev1.ConditionFalse, t0, "b")}},
		{"new status takes the new transition time", []corev1.PodCondition{sched, ready(corev1.ConditionFalse, t0, "")},
			ready(corev1.ConditionTrue, t1, ""), []corev1.PodCondition{sched, ready(corev1.ConditionTrue, t1, "")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := &corev1.PodStatus{Conditions: tt.have}
			Set(st, tt.set)
			if len(st.Conditions) != len(tt.want) {
				t.Fatalf("got %+v, want %+v", st.Conditions, tt.want)
			}
			for i := range tt.want {
				g, w := st.Conditions[i], tt.want[i]
				if g.Type != w.Type || g.Status != w.Status || g.Reason != w.Reason || !g.LastTransitionTime.Equal(&w.LastTransitionTime) {
					t.Errorf("condition %d: got %+v, want %+v", i, g, w)
				}
			}
		})
	}
}
