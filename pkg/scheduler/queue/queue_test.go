package queue

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	clocktesting "k8s.io/utils/clock/testing"
)

func pod(name string, prio int32) *corev1.Pod {
	return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "ns"}, Spec: corev1.PodSpec{Priority: &prio}}
}

func pop(t *testing.T, q *Queue) *QueuedPod {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	qp, err := q.Pop(ctx)
	if err != nil {
		t.Fatalf("pop: %v", err)
	}
	return qp
}

func sizes(q *Queue) [3]int { a, b, u := q.Len(); return [3]int{a, b, u} }

func TestPopOrder(t *testing.T) {
	clk := clocktesting.NewFakeClock(time.Unix(1000, 0))
	q := New(Config{}, clk)
	q.Add(pod("low", 0))
	clk.Step(time.Millisecond)
	q.Add(pod("high", 100))
	clk.Step(time.Millisecond)
	q.Add(pod("low2", 0))
	var got []string
	for i := 0; i < 3; i++ {
		got = append(got, pop(t, q).Pod.Name)
	}
	if diff := cmp.Diff([]string{"high", "low", "low2"}, got); diff != "" {
		t.Fatalf("order (-want +got):\n%s", diff)
	}
}

func TestUnschedulableWaitsForClusterChange(t *testing.T) {
	clk := clocktesting.NewFakeClock(time.Unix(1000, 0))
	q := New(Config{}, clk)
	q.Add(pod("p", 0))
	qp := pop(t, q)
	q.Unschedulable(qp, q.Cycle())
	if diff := cmp.Diff([3]int{0, 0, 1}, sizes(q)); diff != "" {
		t.Fatalf("after failure (-want +got):\n%s", diff)
	}
	clk.Step(time.Minute)
	q.Flush()
	if diff := cmp.Diff([3]int{0, 0, 1}, sizes(q)); diff != "" {
		t.Fatalf("no cluster change: must stay unschedulable (-want +got):\n%s", diff)
	}
	q.MoveAll()
	if diff := cmp.Diff([3]int{1, 0, 0}, sizes(q)); diff != "" {
		t.Fatalf("after MoveAll with backoff over (-want +got):\n%s", diff)
	}
}

func TestBackoffDoublesAndCaps(t *testing.T) {
	q := New(Config{InitialBackoff: time.Second, MaxBackoff: 10 * time.Second}, clocktesting.NewFakeClock(time.Now()))
	tests := []struct {
		attempts int
		want     time.Duration
	}{{1, time.Second}, {2, 2 * time.Second}, {3, 4 * time.Second}, {4, 8 * time.Second}, {5, 10 * time.Second}, {20, 10 * time.Second}}
	for _, tc := range tests {
		if got := q.backoffFor(tc.attempts); got != tc.want {
			t.Errorf("backoffFor(%d) = %v, want %v", tc.attempts, got, tc.want)
		}
	}
}

func TestChangeDuringAttemptGoesToBackoff(t *testing.T) {
	clk := clocktesting.NewFakeClock(time.Unix(1000, 0))
	q := New(Config{}, clk)
	q.Add(pod("p", 0))
	qp := pop(t, q)
	cycle := q.Cycle()
	q.MoveAll() // a node was added while the pod was being scheduled
	q.Unschedulable(qp, cycle)
	if diff := cmp.Diff([3]int{0, 1, 0}, sizes(q)); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
	clk.Step(2 * time.Second)
	q.Flush()
	if diff := cmp.Diff([3]int{1, 0, 0}, sizes(q)); diff != "" {
		t.Fatalf("after backoff (-want +got):\n%s", diff)
	}
}

func TestMaxUnschedulableRetries(t *testing.T) {
	clk := clocktesting.NewFakeClock(time.Unix(1000, 0))
	q := New(Config{MaxUnschedulable: time.Minute}, clk)
	q.Add(pod("p", 0))
	q.Unschedulable(pop(t, q), q.Cycle())
	clk.Step(61 * time.Second)
	q.Flush()
	if diff := cmp.Diff([3]int{1, 0, 0}, sizes(q)); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
}

func TestDeleteAndUpdate(t *testing.T) {
	clk := clocktesting.NewFakeClock(time.Unix(1000, 0))
	q := New(Config{}, clk)
	q.Add(pod("a", 0))
	q.Add(pod("b", 0))
	q.Delete(pod("a", 0))
	p := pod("b", 0)
	p.Labels = map[string]string{"v": "2"}
	q.Add(p)
	got := pop(t, q)
	if got.Pod.Name != "b" || got.Pod.Labels["v"] != "2" {
		t.Fatalf("got %s %v, want the newest copy of b", got.Pod.Name, got.Pod.Labels)
	}
	if diff := cmp.Diff([3]int{0, 0, 0}, sizes(q)); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
	q.Unschedulable(got, q.Cycle())
	clk.Step(5 * time.Second)
	q.Update(p) // a spec change of an unschedulable pod retries it
	if diff := cmp.Diff([3]int{1, 0, 0}, sizes(q)); diff != "" {
		t.Fatalf("after update (-want +got):\n%s", diff)
	}
}

func TestPopBlocksUntilAddOrCancel(t *testing.T) {
	q := New(Config{}, clocktesting.NewFakeClock(time.Now()))
	ctx, cancel := context.WithCancel(context.Background())
	got := make(chan error, 1)
	go func() { _, err := q.Pop(ctx); got <- err }()
	select {
	case <-got:
		t.Fatal("Pop returned on an empty queue")
	case <-time.After(50 * time.Millisecond):
	}
	cancel()
	if err := <-got; err == nil {
		t.Fatal("Pop should fail once ctx is cancelled")
	}
	go func() { _, err := q.Pop(context.Background()); got <- err }()
	q.Add(pod("x", 0))
	if err := <-got; err != nil {
		t.Fatal(err)
	}
}
