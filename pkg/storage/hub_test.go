package storage

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer/protobuf"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes/scheme"

	"skiff/pkg/etcd/etcdtest"
)

func newHubStore(t *testing.T, queue int) *Store {
	ser := protobuf.NewSerializer(scheme.Scheme, scheme.Scheme)
	codec := scheme.Codecs.CodecForVersions(ser, ser, corev1.SchemeGroupVersion, nil)
	s := New(etcdtest.Start(t), codec, func() runtime.Object { return &corev1.ConfigMap{} })
	s.queue = queue
	return s
}

func put(t *testing.T, s *Store, name string) int64 {
	t.Helper()
	obj := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "ns"}}
	got, err := s.Create(context.Background(), "/registry/configmaps/ns/"+name, obj)
	if err != nil {
		t.Fatal(err)
	}
	return revOf(got)
}

func revOf(obj runtime.Object) int64 {
	var n int64
	fmt.Sscan(obj.(*corev1.ConfigMap).ResourceVersion, &n)
	return n
}

// names reads n non-bookmark events and returns "TYPE name@rev" for each.
func names(t *testing.T, events <-chan Event, n int) []string {
	t.Helper()
	var got []string
	timeout := time.After(20 * time.Second)
	for len(got) < n {
		select {
		case e, ok := <-events:
			if !ok {
				t.Fatalf("channel closed after %v", got)
			}
			if e.Type == watch.Error {
				t.Fatalf("error event: %v", e.Err)
			}
			if e.Type != watch.Bookmark {
				got = append(got, fmt.Sprintf("%s %s@%d", e.Type, e.Object.(*corev1.ConfigMap).Name, e.Revision))
			}
		case <-timeout:
			t.Fatalf("timed out after %v", got)
		}
	}
	return got
}

func hubCount(s *Store) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.hubs)
}

func TestHubSharesAndReplays(t *testing.T) {
	s := newHubStore(t, hubQueue)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	start := put(t, s, "a")
	first := s.Watch(ctx, "/registry/configmaps/", start)
	r1 := put(t, s, "b")
	r2 := put(t, s, "c")
	want := []string{fmt.Sprintf("ADDED b@%d", r1), fmt.Sprintf("ADDED c@%d", r2)}
	if diff := cmp.Diff(want, names(t, first, 2)); diff != "" {
		t.Fatalf("first watcher (-want +got):\n%s", diff)
	}
	// A second watch from r1 joins the same hub and replays c from its history.
	second := s.Watch(ctx, "/registry/configmaps/", r1)
	r3 := put(t, s, "d")
	want2 := []string{fmt.Sprintf("ADDED c@%d", r2), fmt.Sprintf("ADDED d@%d", r3)}
	if diff := cmp.Diff(want2, names(t, second, 2)); diff != "" {
		t.Fatalf("second watcher (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want2[1:], names(t, first, 1)); diff != "" {
		t.Fatalf("first watcher after the join (-want +got):\n%s", diff)
	}
	if got := hubCount(s); got != 1 {
		t.Fatalf("hubs: got %d, want 1", got)
	}
	// A watch from before the hub started is served by its own etcd watch.
	old := s.Watch(ctx, "/registry/configmaps/", start-1)
	if diff := cmp.Diff(fmt.Sprintf("ADDED a@%d", start), names(t, old, 1)[0]); diff != "" {
		t.Fatalf("old watcher (-want +got):\n%s", diff)
	}
	cancel()
	deadline := time.Now().Add(10 * time.Second)
	for hubCount(s) != 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if got := hubCount(s); got != 0 {
		t.Fatalf("hubs after every watch ended: got %d, want 0", got)
	}
}

func TestHubLaggingWatcherResumes(t *testing.T) {
	s := newHubStore(t, 2)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	start := put(t, s, "a")
	slow := s.Watch(ctx, "/registry/configmaps/", start)
	fast := s.Watch(ctx, "/registry/configmaps/", start)
	var want []string
	for i := range 300 {
		name := fmt.Sprintf("p%03d", i)
		want = append(want, fmt.Sprintf("ADDED %s@%d", name, put(t, s, name)))
	}
	// fast is read first while slow's queues fill: slow must still see every event, in order, once.
	if diff := cmp.Diff(want, names(t, fast, len(want))); diff != "" {
		t.Fatalf("fast watcher (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, names(t, slow, len(want))); diff != "" {
		t.Fatalf("slow watcher (-want +got):\n%s", diff)
	}
}

func TestPositionForward(t *testing.T) {
	ev := func(rev int64) Event { return Event{Type: watch.Added, Revision: rev} }
	tests := []struct {
		name   string
		pos    position
		events []Event
		want   []int64
	}{
		{"skips up to and including the start", position{rev: 5, whole: true}, []Event{ev(4), ev(5), ev(6), ev(7)}, []int64{6, 7}},
		{"drops stale bookmarks", position{rev: 5, whole: true}, []Event{{Type: watch.Bookmark, Revision: 4}, {Type: watch.Bookmark, Revision: 5}}, []int64{5}},
		{"skips repeats of a resumed revision", position{rev: 5, seen: 1, skip: 1}, []Event{ev(5), ev(5), ev(6)}, []int64{5, 6}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := make(chan Event, len(tt.events))
			for _, e := range tt.events {
				tt.pos.forward(context.Background(), out, e)
			}
			close(out)
			var got []int64
			for e := range out {
				got = append(got, e.Revision)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Fatalf("forwarded (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPositionResume(t *testing.T) {
	tests := []struct {
		name     string
		pos      position
		from     int64
		wantSkip int
	}{
		{"whole revision resumes after it", position{rev: 7, whole: true}, 8, 0},
		{"partly delivered revision is replayed and skipped", position{rev: 7, seen: 2}, 7, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.pos
			if got := p.resume(); got != tt.from || p.skip != tt.wantSkip {
				t.Fatalf("resume: got from %d skip %d, want %d %d", got, p.skip, tt.from, tt.wantSkip)
			}
		})
	}
}
