package sim

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"skiff/pkg/server/servertest"
)

// countingTransport counts requests by HTTP method.
type countingTransport struct {
	next                 http.RoundTripper
	reads, writes, watch atomic.Int64
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	switch {
	case r.URL.Query().Get("watch") == "true":
		c.watch.Add(1)
	case r.Method == http.MethodGet:
		c.reads.Add(1)
	default:
		c.writes.Add(1)
	}
	return c.next.RoundTrip(r)
}

func heapMiB() float64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return float64(m.HeapInuse) / (1 << 20)
}

// TestScale holds SKIFF_SIM_SCALE nodes (e.g. 5000) for SKIFF_SIM_HOLD (default 40s) with the
// default 10s heartbeat, binds 2 pods per 10 nodes, and logs registration time, API write rate
// and heap growth. It is skipped unless SKIFF_SIM_SCALE is set.
func TestScale(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("SKIFF_SIM_SCALE"))
	if n == 0 {
		t.Skip("set SKIFF_SIM_SCALE=5000 to run")
	}
	hold, err := time.ParseDuration(os.Getenv("SKIFF_SIM_HOLD"))
	if err != nil {
		hold = 40 * time.Second
	}
	srv := servertest.StartWith(t, servertest.Options{NoControllers: true})
	counter := &countingTransport{}
	cfg := rest.CopyConfig(srv.Config)
	cfg.QPS = float32(n)/10*1.2 + 20
	cfg.Burst = int(2 * cfg.QPS)
	cfg.WrapTransport = func(rt http.RoundTripper) http.RoundTripper { counter.next = rt; return counter }
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	base := heapMiB()
	start := time.Now()
	s := runSim(t, Config{Nodes: n}, client)
	t.Logf("registered %d nodes in %v (%d writes); heap %.0f MiB -> %.0f MiB (server+sim in one process)",
		n, time.Since(start).Round(time.Millisecond), counter.writes.Load(), base, heapMiB())
	start = time.Now()
	pods := bindPods(t, srv.Client, s.NodeNames())
	t.Logf("created %d bound pods in %v", pods, time.Since(start).Round(time.Millisecond))
	before, w0 := s.Stats(), counter.writes.Load()
	start = time.Now()
	time.Sleep(hold)
	elapsed := time.Since(start).Seconds()
	after := s.Stats()
	t.Logf("steady state over %.0fs: %.0f writes/s (%.0f lease/s, %.0f node/s, %d pod status updates for %d pods), %d errors, %d reads; heap %.0f MiB",
		elapsed, float64(counter.writes.Load()-w0)/elapsed, float64(after.LeaseWrites-before.LeaseWrites)/elapsed,
		float64(after.NodeWrites-before.NodeWrites)/elapsed, after.PodStatusUpdates, pods, after.Errors, counter.reads.Load(), heapMiB())
	checkLeasesFresh(t, srv.Client, n, 40*time.Second)
	checkPodsRunning(t, srv.Client, pods)
}

// bindPods creates one pod bound to every fifth node and returns how many.
func bindPods(t *testing.T, client kubernetes.Interface, nodes []string) int {
	t.Helper()
	count := 0
	for i := 0; i < len(nodes); i += 5 {
		pod := testPod(fmt.Sprintf("p-%d", i), nodes[i], nil, corev1.RestartPolicyAlways)
		if _, err := client.CoreV1().Pods("default").Create(context.Background(), pod, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		count++
	}
	return count
}

func checkLeasesFresh(t *testing.T, client kubernetes.Interface, n int, maxAge time.Duration) {
	t.Helper()
	leases, err := client.CoordinationV1().Leases(NodeLeaseNamespace).List(context.Background(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	stale, oldest := 0, time.Duration(0)
	for _, l := range leases.Items {
		age := time.Since(l.Spec.RenewTime.Time)
		oldest = max(oldest, age)
		if age > maxAge {
			stale++
		}
	}
	t.Logf("%d leases, oldest renewal %v ago", len(leases.Items), oldest.Round(time.Millisecond))
	if len(leases.Items) != n || stale > 0 {
		t.Errorf("want %d fresh leases, got %d with %d stale", n, len(leases.Items), stale)
	}
}

func checkPodsRunning(t *testing.T, client kubernetes.Interface, want int) {
	t.Helper()
	pods, err := client.CoreV1().Pods("default").List(context.Background(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	running := 0
	for _, p := range pods.Items {
		if p.Status.Phase == corev1.PodRunning {
			running++
		}
	}
	if running != want {
		t.Errorf("%d of %d pods running", running, want)
	}
}
