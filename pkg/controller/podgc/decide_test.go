package podgc

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

var t0 = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

func pod(name string, phase corev1.PodPhase, age int, node string) *corev1.Pod {
	return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, CreationTimestamp: metav1.NewTime(t0.Add(time.Duration(age) * time.Second))},
		Spec: corev1.PodSpec{NodeName: node}, Status: corev1.PodStatus{Phase: phase}}
}

func names(ps []*corev1.Pod) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Name)
	}
	return out
}

func TestExcessTerminated(t *testing.T) {
	now := metav1.NewTime(t0)
	deleting := pod("deleting", corev1.PodFailed, 0, "")
	deleting.DeletionTimestamp = &now
	pods := []*corev1.Pod{
		pod("s3", corev1.PodSucceeded, 3, "n"), pod("f1", corev1.PodFailed, 1, "n"), pod("run", corev1.PodRunning, 0, "n"),
		pod("s2", corev1.PodSucceeded, 2, "n"), deleting, pod("f4", corev1.PodFailed, 4, "n"),
	}
	tests := []struct {
		name      string
		threshold int
		want      []string
	}{
		{"under threshold", 10, nil},
		{"at threshold", 4, nil},
		{"two over: the two oldest", 2, []string{"f1", "s2"}},
		{"negative disables the cap", -1, nil},
		{"one kept", 1, []string{"f1", "s2", "s3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if d := cmp.Diff(tt.want, names(excessTerminated(pods, tt.threshold))); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestTrackMissingAndExpire(t *testing.T) {
	exists := func(n string) bool { return n == "alive" }
	pods := []*corev1.Pod{pod("a", corev1.PodRunning, 0, "alive"), pod("b", corev1.PodRunning, 0, "gone"),
		pod("c", corev1.PodRunning, 0, "gone"), pod("d", corev1.PodRunning, 0, "new-gone"), pod("e", corev1.PodPending, 0, "")}
	prev := map[string]time.Time{"gone": t0, "alive": t0, "no-pods": t0}
	now := t0.Add(30 * time.Second)
	got := trackMissing(prev, pods, exists, now)
	want := map[string]time.Time{"gone": t0, "new-gone": now}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("missing (-want +got):\n%s", d)
	}
	tests := []struct {
		name       string
		now        time.Time
		quarantine time.Duration
		want       []string
	}{
		{"within quarantine", now, 40 * time.Second, nil},
		{"old one expired", t0.Add(40 * time.Second), 40 * time.Second, []string{"gone"}},
		{"both expired", now.Add(time.Minute), 40 * time.Second, []string{"gone", "new-gone"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if d := cmp.Diff(tt.want, expiredNodes(got, tt.now, tt.quarantine)); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestUnscheduledTerminating(t *testing.T) {
	now := metav1.NewTime(t0)
	a, b := pod("unbound", corev1.PodPending, 0, ""), pod("bound", corev1.PodRunning, 0, "n")
	a.DeletionTimestamp, b.DeletionTimestamp = &now, &now
	got := names(unscheduledTerminating([]*corev1.Pod{a, b, pod("live", corev1.PodPending, 0, "")}))
	if d := cmp.Diff([]string{"unbound"}, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}
