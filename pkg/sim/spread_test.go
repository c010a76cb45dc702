package sim

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"k8s.io/client-go/kubernetes/fake"
	testingclock "k8s.io/utils/clock/testing"
)

func TestSlot(t *testing.T) {
	cases := []struct {
		i, n int
		want time.Duration
	}{
		{0, 4, 0},
		{1, 4, 2500 * time.Millisecond},
		{3, 4, 7500 * time.Millisecond},
		{4999, 5000, 9998 * time.Millisecond},
	}
	for _, tc := range cases {
		if got := slot(tc.i, tc.n, 10*time.Second); got != tc.want {
			t.Errorf("slot(%d, %d) = %v, want %v", tc.i, tc.n, got, tc.want)
		}
	}
}

func TestSpreadVisitsEveryNodeOncePerRound(t *testing.T) {
	clk := testingclock.NewFakeClock(t0)
	s, err := New(Config{Nodes: 4, Clock: clk, Log: testLogger()}, fake.NewClientset())
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	calls := map[int]int{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- s.spread(ctx, time.Second, func(_ context.Context, i int) error {
			mu.Lock()
			defer mu.Unlock()
			calls[i]++
			return nil
		})
	}()
	for range 8 { // two rounds of four 250ms ticks
		for !clk.HasWaiters() {
			time.Sleep(time.Millisecond)
		}
		clk.Step(250 * time.Millisecond)
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if diff := cmp.Diff(map[int]int{0: 2, 1: 2, 2: 2, 3: 2}, calls); diff != "" {
		t.Errorf("calls per node (-want +got):\n%s", diff)
	}
}
