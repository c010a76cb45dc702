package integration_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/record"
	"k8s.io/utils/clock"
	"k8s.io/utils/ptr"

	"skiff/pkg/controller/replicaset"
	"skiff/pkg/leader"
	"skiff/pkg/server/servertest"
)

// rsManager is one ReplicaSet controller run under leader election, with its own client that
// counts the pods it creates.
type rsManager struct {
	id      string
	creates atomic.Int32
	leading atomic.Bool
	cancel  context.CancelFunc
	done    chan error
}

// TestOnlyTheLeaderReconciles runs two ReplicaSet controllers under one Lease against one API
// server: only the leader creates pods, a ReplicaSet never has more pods than replicas, and
// the other takes over when the leader stops.
func TestOnlyTheLeaderReconciles(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test")
	}
	t.Parallel()
	srv := servertest.StartWith(t, servertest.Options{NoControllers: true})
	cs := srv.Client
	const ns = "leader"
	createNamespace(t, cs, ns)
	maxPods := watchLivePods(t, cs, ns)
	managers := []*rsManager{startRSManager(t, srv, "one"), startRSManager(t, srv, "two")}
	rs := newReplicaSet("web", 4)
	if _, err := cs.AppsV1().ReplicaSets(ns).Create(context.Background(), rs, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	waitPodCount(t, cs, ns, 4)
	time.Sleep(time.Second) // room for a wrong extra create to show
	first := leaderOf(t, managers)
	second := managers[1-indexOf(managers, first)]
	checkCreates(t, managers, map[string]int32{first.id: 4, second.id: 0})
	if got := maxPods(); got != 4 {
		t.Errorf("the ReplicaSet of 4 had at most %d live pods at once, want 4", got)
	}

	first.stop(t)
	if _, err := cs.AppsV1().ReplicaSets(ns).Patch(context.Background(), "web", "application/merge-patch+json", []byte(`{"spec":{"replicas":6}}`), metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	waitPodCount(t, cs, ns, 6)
	time.Sleep(time.Second)
	if got := leaderOf(t, managers); got != second {
		t.Errorf("manager %s leads after %s stopped, want %s", got.id, first.id, second.id)
	}
	checkCreates(t, managers, map[string]int32{first.id: 4, second.id: 2})
	if got := maxPods(); got != 6 {
		t.Errorf("the ReplicaSet of 6 had at most %d live pods at once, want 6", got)
	}
}

// startRSManager runs a ReplicaSet controller under the Lease "test-rs-manager" until the test
// ends or stop; its informers start only once it leads.
func startRSManager(t *testing.T, srv *servertest.Server, id string) *rsManager {
	t.Helper()
	m := &rsManager{id: id, done: make(chan error, 1)}
	cfg := rest.CopyConfig(srv.Config)
	cfg.Wrap(func(rt http.RoundTripper) http.RoundTripper { return &podCreateCounter{next: rt, n: &m.creates} })
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	m.cancel = cancel
	lc := leader.Config{Client: cs, Name: "test-rs-manager", Identity: id, Log: testLogger(),
		LeaseDuration: 3 * time.Second, RenewDeadline: 2 * time.Second, RetryPeriod: 250 * time.Millisecond}
	go func() { m.done <- leader.Run(ctx, lc, m.lead(cs)) }()
	t.Cleanup(func() { m.stop(t) })
	return m
}

// lead is the leader's work: build and run the controller until leadership or ctx ends.
func (m *rsManager) lead(cs kubernetes.Interface) func(context.Context) error {
	return func(ctx context.Context) error {
		m.leading.Store(true)
		defer m.leading.Store(false)
		f := informers.NewSharedInformerFactory(cs, 0)
		c := replicaset.New(cs, f, &record.FakeRecorder{}, clock.RealClock{}, testLogger())
		f.Start(ctx.Done())
		defer f.Shutdown()
		return c.Run(ctx, 2)
	}
}

// stop ends the manager (releasing the Lease) and waits for it; later calls do nothing.
func (m *rsManager) stop(t *testing.T) {
	if m.cancel == nil {
		return
	}
	m.cancel()
	m.cancel = nil
	if err := <-m.done; err != nil {
		t.Errorf("manager %s: %v", m.id, err)
	}
}

// podCreateCounter counts POSTs to a pods collection.
type podCreateCounter struct {
	next http.RoundTripper
	n    *atomic.Int32
}

func (c *podCreateCounter) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method == http.MethodPost && strings.HasSuffix(req.URL.Path, "/pods") {
		c.n.Add(1)
	}
	return c.next.RoundTrip(req)
}

func newReplicaSet(name string, n int32) *appsv1.ReplicaSet {
	return &appsv1.ReplicaSet{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: appsv1.ReplicaSetSpec{
			Replicas: ptr.To(n), Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": name}},
			Template: podTemplate(name),
		},
	}
}

// leaderOf returns the one manager leading; it fails the test unless exactly one leads.
func leaderOf(t *testing.T, ms []*rsManager) *rsManager {
	t.Helper()
	var out []*rsManager
	for _, m := range ms {
		if m.leading.Load() {
			out = append(out, m)
		}
	}
	if len(out) != 1 {
		t.Fatalf("%d managers leading, want 1", len(out))
	}
	return out[0]
}

func indexOf(ms []*rsManager, m *rsManager) int {
	for i := range ms {
		if ms[i] == m {
			return i
		}
	}
	return -1
}

func checkCreates(t *testing.T, ms []*rsManager, want map[string]int32) {
	t.Helper()
	got := map[string]int32{}
	for _, m := range ms {
		got[m.id] = m.creates.Load()
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("pod creates per manager (-want +got):\n%s", diff)
	}
}

// waitPodCount waits until ns holds exactly n live pods.
func waitPodCount(t *testing.T, cs kubernetes.Interface, ns string, n int) {
	t.Helper()
	eventually(t, 30*time.Second, fmt.Sprintf("%d pods", n), func(ctx context.Context) (bool, error) {
		pods, err := cs.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{})
		return err == nil && countLive(pods.Items) == n, err
	})
}

// watchLivePods watches the pods of ns until the test ends and returns a function giving the
// most live pods seen at once.
func watchLivePods(t *testing.T, cs kubernetes.Interface, ns string) func() int {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	w, err := cs.CoreV1().Pods(ns).Watch(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	most := 0
	go func() {
		defer w.Stop()
		live := map[string]bool{}
		for ev := range w.ResultChan() {
			pod, ok := ev.Object.(*corev1.Pod)
			if !ok {
				continue
			}
			live[pod.Name] = ev.Type != watch.Deleted && pod.DeletionTimestamp == nil
			mu.Lock()
			most = max(most, countTrue(live))
			mu.Unlock()
		}
	}()
	return func() int {
		mu.Lock()
		defer mu.Unlock()
		return most
	}
}

func countTrue(m map[string]bool) int {
	n := 0
	for _, v := range m {
		if v {
			n++
		}
	}
	return n
}
