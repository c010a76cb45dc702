package loop

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/tools/cache"
)

// result is what a scripted sync returns on one call.
type result struct {
	requeue time.Duration
	err     error
}

// script is a sync function returning results in order (then zero results); it records the
// keys it was called with and closes done when the script is used up.
type script struct {
	mu      sync.Mutex
	results []result
	calls   []string
	done    chan struct{}
}

func (s *script) sync(_ context.Context, key string) (time.Duration, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, key)
	if len(s.calls) == len(s.results) {
		close(s.done)
	}
	if len(s.calls) > len(s.results) {
		return 0, nil
	}
	r := s.results[len(s.calls)-1]
	return r.requeue, r.err
}

func TestWork(t *testing.T) {
	tests := []struct {
		name    string
		results []result
		want    []string
	}{
		{"success syncs once", []result{{}}, []string{"a"}},
		{"failure retries with backoff", []result{{err: errors.New("boom")}, {}}, []string{"a", "a"}},
		{"requeue syncs again", []result{{requeue: 20 * time.Millisecond}, {}}, []string{"a", "a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &script{results: tt.results, done: make(chan struct{})}
			q := NewQueue[string]("test")
			ctx, cancel := context.WithCancel(context.Background())
			returned := make(chan struct{})
			go func() {
				defer close(returned)
				Work(ctx, q, 2, s.sync, slog.New(slog.NewTextHandler(io.Discard, nil)))
			}()
			q.Add("a")
			select {
			case <-s.done:
			case <-time.After(10 * time.Second):
				t.Fatal("sync not called as scripted")
			}
			time.Sleep(50 * time.Millisecond) // no further, unrequested syncs
			cancel()
			<-returned
			if diff := cmp.Diff(tt.want, s.calls); diff != "" {
				t.Errorf("calls (-want +got):\n%s", diff)
			}
			if !q.ShuttingDown() {
				t.Error("queue not shut down after Work returned")
			}
		})
	}
}

func TestRunReturnsWhenCachesNeverSync(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	q := NewQueue[string]("test")
	never := func() bool { return false }
	sync := NoRequeue(func(context.Context, string) error { t.Error("sync called"); return nil })
	if err := Run(ctx, q, 1, []cache.InformerSynced{never}, sync, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatalf("Run = %v, want nil", err)
	}
	if !q.ShuttingDown() {
		t.Error("queue not shut down")
	}
}

func TestFailureLevel(t *testing.T) {
	conflict := apierrors.NewConflict(schema.GroupResource{Resource: "pods"}, "p", errors.New("stale"))
	tests := []struct {
		name string
		err  error
		want slog.Level
	}{
		{"plain", errors.New("boom"), slog.LevelWarn},
		{"conflict", conflict, slog.LevelDebug},
		{"retry", fmt.Errorf("caches: %w", ErrRetry), slog.LevelDebug},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := failureLevel(tt.err); got != tt.want {
				t.Errorf("failureLevel = %v, want %v", got, tt.want)
			}
		})
	}
}
