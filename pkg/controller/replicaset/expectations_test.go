package replicaset

import (
	"testing"
	"time"

	clocktesting "k8s.io/utils/clock/testing"
)

func TestExpectations(t *testing.T) {
	tests := []struct {
		name string
		do   func(e *expectations, clk *clocktesting.FakePassiveClock)
		want bool
	}{
		{"none", func(*expectations, *clocktesting.FakePassiveClock) {}, true},
		{"creates pending", func(e *expectations, _ *clocktesting.FakePassiveClock) {
			e.expectCreates("k", 2)
			e.creationObserved("k")
		}, false},
		{"creates observed", func(e *expectations, _ *clocktesting.FakePassiveClock) {
			e.expectCreates("k", 2)
			e.creationObserved("k")
			e.creationObserved("k")
		}, true},
		{"deletes pending", func(e *expectations, _ *clocktesting.FakePassiveClock) {
			e.expectDeletes("k", []string{"ns/a", "ns/b"})
			e.deletionObserved("k", "ns/a")
			e.deletionObserved("k", "ns/a")
		}, false},
		{"deletes observed", func(e *expectations, _ *clocktesting.FakePassiveClock) {
			e.expectDeletes("k", []string{"ns/a", "ns/b"})
			e.deletionObserved("k", "ns/b")
			e.deletionObserved("k", "ns/a")
		}, true},
		{"expired", func(e *expectations, clk *clocktesting.FakePassiveClock) {
			e.expectCreates("k", 1)
			clk.SetTime(clk.Now().Add(expectationsTTL + time.Second))
		}, true},
		{"forgotten", func(e *expectations, _ *clocktesting.FakePassiveClock) { e.expectCreates("k", 1); e.forget("k") }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := clocktesting.NewFakePassiveClock(t0)
			e := newExpectations(clk)
			tt.do(e, clk)
			if got := e.satisfied("k"); got != tt.want {
				t.Errorf("satisfied = %v, want %v", got, tt.want)
			}
		})
	}
}
