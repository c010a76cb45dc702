// Package integration_test runs system-level scenarios on a full in-process Skiff control plane
// (API server, scheduler, every controller, from servertest.Start) with nodes simulated by
// pkg/sim: node failure and recovery, cascading deletion, DaemonSets following nodes, Job
// retries, and leader election between two controller instances.
//
// Every test starts its own control plane and runs in parallel with the others. The package
// takes about a minute (the node failure test waits out the node lifecycle timeouts);
// `go test -short` skips it.
package integration_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"

	"skiff/pkg/server/servertest"
	"skiff/pkg/sim"
)

// startCluster runs a full control plane for the test; it skips the test under -short.
func startCluster(t *testing.T) *servertest.Server {
	t.Helper()
	if testing.Short() {
		t.Skip("integration test")
	}
	t.Parallel()
	return servertest.Start(t)
}

// simNodes is a running simulator that a test may stop before the test ends.
type simNodes struct {
	*sim.Sim
	cancel context.CancelFunc
	done   chan error
	once   sync.Once
}

// startSim runs a simulator with cfg against client until stop or the end of the test. It
// blocks until the simulated nodes are registered.
func startSim(t *testing.T, client kubernetes.Interface, cfg sim.Config) *simNodes {
	t.Helper()
	if cfg.Log == nil {
		cfg.Log = testLogger()
	}
	s, err := sim.New(cfg, client)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	n := &simNodes{Sim: s, cancel: cancel, done: make(chan error, 1)}
	go func() { n.done <- s.Run(ctx) }()
	t.Cleanup(func() { n.stop(t) })
	select {
	case <-s.Ready():
	case err := <-n.done:
		t.Fatalf("sim %s stopped before ready: %v", cfg.NamePrefix, err)
	case <-time.After(60 * time.Second):
		t.Fatalf("sim %s not ready after 60s", cfg.NamePrefix)
	}
	return n
}

// stop ends the simulator and waits for Run to return: its leases are no longer renewed and
// its pods no longer driven. Later calls do nothing.
func (n *simNodes) stop(t *testing.T) {
	n.once.Do(func() {
		n.cancel()
		if err := <-n.done; err != nil {
			t.Errorf("sim Run: %v", err)
		}
	})
}

func testLogger() *slog.Logger {
	var out io.Writer = io.Discard
	if os.Getenv("SKIFF_TEST_LOG") != "" {
		out = os.Stderr
	}
	return slog.New(slog.NewTextHandler(out, nil))
}

// eventually polls cond every 250ms until it holds or timeout passes, then fails the test.
func eventually(t *testing.T, timeout time.Duration, what string, cond func(ctx context.Context) (bool, error)) {
	t.Helper()
	err := wait.PollUntilContextTimeout(context.Background(), 250*time.Millisecond, timeout, true, cond)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// createNamespace creates a namespace for one test or subtest.
func createNamespace(t *testing.T, client kubernetes.Interface, name string) {
	t.Helper()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}
	if _, err := client.CoreV1().Namespaces().Create(context.Background(), ns, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// podTemplate is a one-container pod template labelled app=name.
func podTemplate(name string) corev1.PodTemplateSpec {
	return corev1.PodTemplateSpec{
		ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": name}},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "localhost/pause:3.9"}}},
	}
}

// newDeployment is a Deployment of n replicas of podTemplate(name).
func newDeployment(name string, n int32) *appsv1.Deployment {
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr.To(n), Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": name}},
			Template: podTemplate(name),
		},
	}
}

// appPods lists the pods labelled app=name in ns.
func appPods(ctx context.Context, client kubernetes.Interface, ns, name string) ([]corev1.Pod, error) {
	list, err := client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: "app=" + name})
	if err != nil {
		return nil, err
	}
	return list.Items, nil
}

// runningReady reports whether pod is Running with condition Ready true and not terminating.
func runningReady(pod *corev1.Pod) bool {
	if pod.DeletionTimestamp != nil || pod.Status.Phase != corev1.PodRunning {
		return false
	}
	for _, c := range pod.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}
