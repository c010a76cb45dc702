package expectations

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	clocktesting "k8s.io/utils/clock/testing"
)

var t0 = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

func TestExpectations(t *testing.T) {
	tests := []struct {
		name string
		do   func(e *Expectations, clk *clocktesting.FakePassiveClock)
		want bool
	}{
		{"none", func(*Expectations, *clocktesting.FakePassiveClock) {}, true},
		{"creates pending", func(e *Expectations, _ *clocktesting.FakePassiveClock) {
			e.Expect("k", 2, nil)
			e.CreationObserved("k")
		}, false},
		{"creates observed", func(e *Expectations, _ *clocktesting.FakePassiveClock) {
			e.Expect("k", 2, nil)
			e.CreationObserved("k")
			e.CreationObserved("k")
		}, true},
		{"deletes pending", func(e *Expectations, _ *clocktesting.FakePassiveClock) {
			e.Expect("k", 0, []string{"ns/a", "ns/b"})
			e.DeletionObserved("k", "ns/a")
			e.DeletionObserved("k", "ns/a")
		}, false},
		{"deletes observed", func(e *Expectations, _ *clocktesting.FakePassiveClock) {
			e.Expect("k", 0, []string{"ns/a", "ns/b"})
			e.DeletionObserved("k", "ns/b")
			e.DeletionObserved("k", "ns/a")
		}, true},
		{"creates and deletes, deletes pending", func(e *Expectations, _ *clocktesting.FakePassiveClock) {
			e.Expect("k", 1, []string{"ns/a"})
			e.CreationObserved("k")
		}, false},
		{"creates and deletes observed", func(e *Expectations, _ *clocktesting.FakePassiveClock) {
			e.Expect("k", 1, []string{"ns/a"})
			e.CreationObserved("k")
			e.DeletionObserved("k", "ns/a")
		}, true},
		{"expect replaces", func(e *Expectations, _ *clocktesting.FakePassiveClock) {
			e.Expect("k", 0, []string{"ns/a"})
			e.Expect("k", 1, nil)
			e.CreationObserved("k")
		}, true},
		{"other key", func(e *Expectations, _ *clocktesting.FakePassiveClock) { e.Expect("other", 1, nil) }, true},
		{"expired", func(e *Expectations, clk *clocktesting.FakePassiveClock) {
			e.Expect("k", 1, nil)
			clk.SetTime(clk.Now().Add(TTL + time.Second))
		}, true},
		{"not yet expired", func(e *Expectations, clk *clocktesting.FakePassiveClock) {
			e.Expect("k", 1, nil)
			clk.SetTime(clk.Now().Add(TTL))
		}, false},
		{"forgotten", func(e *Expectations, _ *clocktesting.FakePassiveClock) { e.Expect("k", 1, nil); e.Forget("k") }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := clocktesting.NewFakePassiveClock(t0)
			e := New(clk)
			tt.do(e, clk)
			if got := e.Satisfied("k"); got != tt.want {
				t.Errorf("Satisfied = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestPodKeys(t *testing.T) {
	pods := []*corev1.Pod{
		{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "p"}},
		{ObjectMeta: metav1.ObjectMeta{Namespace: "other", Name: "q"}},
	}
	if diff := cmp.Diff([]string{"ns/p", "other/q"}, PodKeys(pods)); diff != "" {
		t.Errorf("PodKeys (-want +got):\n%s", diff)
	}
}
