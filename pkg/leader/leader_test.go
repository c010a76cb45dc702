package leader_test

import (
	"context"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/util/wait"

	"skiff/pkg/leader"
	"skiff/pkg/server/servertest"
)

func TestOnlyOneLeadsAndTheOtherTakesOver(t *testing.T) {
	s := servertest.StartWith(t, servertest.Options{NoControllers: true})
	var leading, maxLeading atomic.Int32
	var ran [2]atomic.Bool
	ctxs := make([]context.CancelFunc, 2)
	done := make(chan int, 2)
	for i := range 2 {
		ctx, cancel := context.WithCancel(context.Background())
		ctxs[i] = cancel
		go func() {
			leader.Run(ctx, leader.Config{Client: s.Client, Name: "test-lease", Identity: string(rune('a' + i)),
				LeaseDuration: 2 * time.Second, RenewDeadline: time.Second, RetryPeriod: 200 * time.Millisecond, Log: slog.Default()},
				func(ctx context.Context) error {
					ran[i].Store(true)
					n := leading.Add(1)
					if n > maxLeading.Load() {
						maxLeading.Store(n)
					}
					<-ctx.Done()
					leading.Add(-1)
					return nil
				})
			done <- i
		}()
	}
	first := -1
	err := wait.PollUntilContextTimeout(context.Background(), 50*time.Millisecond, 20*time.Second, true, func(context.Context) (bool, error) {
		for i := range 2 {
			if ran[i].Load() {
				first = i
				return true, nil
			}
		}
		return false, nil
	})
	if err != nil {
		t.Fatal("nobody became leader")
	}
	other := 1 - first
	time.Sleep(500 * time.Millisecond)
	if ran[other].Load() {
		t.Fatal("both candidates lead at once")
	}
	ctxs[first]()
	<-done
	err = wait.PollUntilContextTimeout(context.Background(), 50*time.Millisecond, 20*time.Second, true, func(context.Context) (bool, error) {
		return ran[other].Load(), nil
	})
	if err != nil {
		t.Fatal("the second candidate did not take over after the leader stopped")
	}
	if maxLeading.Load() != 1 {
		t.Fatalf("%d leaders at once", maxLeading.Load())
	}
	ctxs[other]()
	<-done
}
