package integration_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"

	"skiff/pkg/sim"
)

// Documented node lifecycle bounds (docs/controllers.md): a node is marked Unknown 15–17 s after
// its last heartbeat and its pods are evicted 10 s later, so replacements start within ~27 s.
const (
	nodeGracePeriod = 15 * time.Second
	monitorPeriod   = 2 * time.Second
	recoveryBound   = 30 * time.Second
	recoverySlack   = 15 * time.Second
)

// TestNodeFailureReplacesPods runs a Deployment over two simulated fleets (a-, b-), pauses fleet
// b for less than the grace period (nothing may happen), then stops it for good: every replica
// must be Running and Ready on a- nodes within the documented bound.
func TestNodeFailureReplacesPods(t *testing.T) {
	srv := startCluster(t)
	cs := srv.Client
	cfgA := sim.Config{Nodes: 2, NamePrefix: "a-", HeartbeatInterval: 2 * time.Second}
	cfgB := sim.Config{Nodes: 2, NamePrefix: "b-", HeartbeatInterval: 2 * time.Second}
	startSim(t, cs, cfgA)
	b := startSim(t, cs, cfgB)
	const ns, name, replicas = "failover", "web", 8
	createNamespace(t, cs, ns)
	if _, err := cs.AppsV1().Deployments(ns).Create(context.Background(), newDeployment(name, replicas), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	var before []corev1.Pod
	eventually(t, 60*time.Second, "all replicas running", func(ctx context.Context) (bool, error) {
		pods, err := appPods(ctx, cs, ns, name)
		before = pods
		return err == nil && countReady(pods, "") == replicas, err
	})
	if n := countReady(before, "b-"); n < 2 {
		t.Fatalf("only %d of %d replicas landed on b- nodes; the scheduler did not spread them", n, replicas)
	}
	t.Run("short hiccup changes nothing", func(t *testing.T) {
		b = hiccup(t, cs, b, cfgB, before)
	})
	t.Run("dead node's pods are replaced", func(t *testing.T) {
		stopped := time.Now()
		b.stop(t)
		eventually(t, recoveryBound+recoverySlack, "replicas replaced on a- nodes", func(ctx context.Context) (bool, error) {
			pods, err := appPods(ctx, cs, ns, name)
			return err == nil && countReady(pods, "a-") == replicas && countLive(pods) == replicas, err
		})
		t.Logf("all %d replicas Running/Ready on a- nodes %s after fleet b stopped", replicas, time.Since(stopped).Round(100*time.Millisecond))
		for _, node := range b.NodeNames() {
			if !hasTaint(t, cs, node, corev1.TaintNodeUnreachable, corev1.TaintEffectNoExecute) {
				t.Errorf("node %s: no %s:NoExecute taint after its heartbeats stopped", node, corev1.TaintNodeUnreachable)
			}
		}
	})
}

// hiccup stops fleet b, restarts it with the same names 5 s later (it adopts its nodes and
// leases), and watches the b- nodes until well past the grace period: they must never be
// tainted or lose Ready, and no pod may be replaced. It returns the restarted fleet.
func hiccup(t *testing.T, cs kubernetes.Interface, b *simNodes, cfg sim.Config, pods []corev1.Pod) *simNodes {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	seen := watchNodeTrouble(t, ctx, cs, cfg.NamePrefix)
	stopped := time.Now()
	b.stop(t)
	time.Sleep(5*time.Second - time.Since(stopped))
	restarted := startSim(t, cs, cfg)
	t.Logf("fleet b paused for %s", time.Since(stopped).Round(100*time.Millisecond))
	time.Sleep(nodeGracePeriod + 2*monitorPeriod + 3*time.Second - time.Since(stopped))
	if got := seen(); len(got) > 0 {
		t.Errorf("node trouble during a short pause:\n%s", strings.Join(got, "\n"))
	}
	after, err := appPods(ctx, cs, pods[0].Namespace, pods[0].Labels["app"])
	if err != nil {
		t.Fatal(err)
	}
	if want, got := podUIDs(pods), podUIDs(after); want != got {
		t.Errorf("pods changed during a short pause:\nbefore %s\nafter  %s", want, got)
	}
	return restarted
}

// watchNodeTrouble watches nodes named prefix* until ctx ends and returns a function listing
// every taint or non-True Ready condition seen on them.
func watchNodeTrouble(t *testing.T, ctx context.Context, cs kubernetes.Interface, prefix string) func() []string {
	t.Helper()
	w, err := cs.CoreV1().Nodes().Watch(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var trouble []string
	go func() {
		defer w.Stop()
		for ev := range w.ResultChan() {
			node, ok := ev.Object.(*corev1.Node)
			if !ok || ev.Type == watch.Deleted || !strings.HasPrefix(node.Name, prefix) {
				continue
			}
			if msg := nodeTrouble(node); msg != "" {
				mu.Lock()
				trouble = append(trouble, msg)
				mu.Unlock()
			}
		}
	}()
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), trouble...)
	}
}

// nodeTrouble describes a node's taints and a Ready condition other than True; "" if none.
func nodeTrouble(node *corev1.Node) string {
	var parts []string
	for _, taint := range node.Spec.Taints {
		parts = append(parts, "taint "+taint.ToString())
	}
	for _, c := range node.Status.Conditions {
		if c.Type == corev1.NodeReady && c.Status != corev1.ConditionTrue {
			parts = append(parts, fmt.Sprintf("Ready=%s (%s)", c.Status, c.Reason))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return node.Name + ": " + strings.Join(parts, ", ")
}

func hasTaint(t *testing.T, cs kubernetes.Interface, node, key string, effect corev1.TaintEffect) bool {
	t.Helper()
	n, err := cs.CoreV1().Nodes().Get(context.Background(), node, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, taint := range n.Spec.Taints {
		if taint.Key == key && taint.Effect == effect {
			return true
		}
	}
	return false
}

// countReady counts pods that are Running and Ready on a node named nodePrefix*.
func countReady(pods []corev1.Pod, nodePrefix string) int {
	n := 0
	for i := range pods {
		if runningReady(&pods[i]) && strings.HasPrefix(pods[i].Spec.NodeName, nodePrefix) {
			n++
		}
	}
	return n
}

// countLive counts pods that are not terminating.
func countLive(pods []corev1.Pod) int {
	n := 0
	for i := range pods {
		if pods[i].DeletionTimestamp == nil {
			n++
		}
	}
	return n
}

// podUIDs renders the live pods' uids with their nodes, sorted by uid.
func podUIDs(pods []corev1.Pod) string {
	set := map[types.UID]string{}
	for _, p := range pods {
		if p.DeletionTimestamp == nil {
			set[p.UID] = p.Spec.NodeName
		}
	}
	return fmt.Sprint(set)
}
