package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// TestNodeCrashLoopBackOff: a container exiting 1 goes CrashLoopBackOff, its restart count
// grows and the delay before each restart grows (as upstream: the first restart is immediate,
// then 10 s, then 20 s). Each start appends the host's uptime to a hostPath file, so the delays
// are read from the container's own record rather than from the test's clock.
func TestNodeCrashLoopBackOff(t *testing.T) {
	t.Parallel() // mostly waiting on the back-off
	c, cs := nodeCluster(t), nodeClient(t)
	ns := c.namespace(t, "node-crash")
	rec, err := os.MkdirTemp("", "crash")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { // the container writes into rec until it is gone
		c.kubectl(context.Background(), "", "delete", "-n", ns, "pod", "crash", "--wait=true", "--timeout=30s")
		os.RemoveAll(rec)
	})
	starts := filepath.Join(rec, "starts")
	c.must(t, fmt.Sprintf(`apiVersion: v1
kind: Pod
metadata: {name: crash}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: main
    image: localhost/busybox:1.35
    command: ["sh", "-c", "cut -d' ' -f1 /proc/uptime >> /rec/starts; echo crashing; exit 1"]
    volumeMounts: [{name: rec, mountPath: /rec}]
  volumes:
  - name: rec
    hostPath: {path: %q, type: DirectoryOrCreate}
`, filepath.Dir(starts)), "apply", "-n", ns, "-f", "-")
	sawBackOff := false
	p := waitPod(t, cs, ns, "crash", 75*time.Second, "restartCount >= 3", func(p *corev1.Pod) bool {
		s := containerStatus(p, "main")
		if s == nil {
			return false
		}
		if s.State.Waiting != nil && s.State.Waiting.Reason == "CrashLoopBackOff" {
			sawBackOff = true
		}
		return s.RestartCount >= 3 && lineCount(starts) >= 4
	})
	s := containerStatus(p, "main")
	if last := s.LastTerminationState.Terminated; last == nil || last.ExitCode != 1 || last.Reason != "Error" {
		t.Errorf("lastState = %+v, want terminated with exit code 1 (Error)", s.LastTerminationState)
	}
	if !sawBackOff {
		waitPod(t, cs, ns, "crash", 30*time.Second, "waiting in CrashLoopBackOff", func(p *corev1.Pod) bool {
			s := containerStatus(p, "main")
			return s != nil && s.State.Waiting != nil && s.State.Waiting.Reason == "CrashLoopBackOff"
		})
	}
	times := readFloats(t, starts)
	d1, d2 := times[2]-times[1], times[3]-times[2]
	t.Logf("delays before restarts: %.1fs, %.1fs, %.1fs", times[1]-times[0], d1, d2)
	if d1 < 8 || d2 < 16 || d2 < d1+5 {
		t.Errorf("delays %.1fs then %.1fs: want about 10s then 20s (growing)", d1, d2)
	}
	if reasons := eventReasons(t, cs, ns, "crash"); !slices.Contains(reasons, "BackOff") {
		t.Errorf("events %v: want BackOff", reasons)
	}
}

// TestNodeLivenessRestart: a failing liveness probe restarts the container once, with events
// Unhealthy and Killing.
func TestNodeLivenessRestart(t *testing.T) {
	c, cs := nodeCluster(t), nodeClient(t)
	ns := c.namespace(t, "node-live")
	c.must(t, `apiVersion: v1
kind: Pod
metadata: {name: live}
spec:
  terminationGracePeriodSeconds: 2
  containers:
  - name: web
    image: localhost/testserver:v1
    livenessProbe:
      httpGet: {path: /healthz, port: 8080}
      periodSeconds: 1
      failureThreshold: 2
`, "apply", "-n", ns, "-f", "-")
	p := waitPod(t, cs, ns, "live", 60*time.Second, "running", running)
	first := containerStatus(p, "web").ContainerID
	getWithRetry(t, fmt.Sprintf("http://%s:8080/healthz/fail", p.Status.PodIP))
	p = waitPod(t, cs, ns, "live", 60*time.Second, "restarted and running", func(p *corev1.Pod) bool {
		s := containerStatus(p, "web")
		return running(p) && s.RestartCount == 1 && s.ContainerID != first
	})
	if last := containerStatus(p, "web").LastTerminationState.Terminated; last == nil {
		t.Errorf("lastState after the restart = %+v, want terminated", containerStatus(p, "web").LastTerminationState)
	}
	eventually(t, 10*time.Second, "events Unhealthy and Killing", func() (bool, string) {
		reasons := eventReasons(t, cs, ns, "live")
		return slices.Contains(reasons, "Unhealthy") && slices.Contains(reasons, "Killing"), fmt.Sprint(reasons)
	})
}

// TestNodeReadinessGatesReady: the pod's Ready condition follows the readiness probe.
func TestNodeReadinessGatesReady(t *testing.T) {
	c, cs := nodeCluster(t), nodeClient(t)
	ns := c.namespace(t, "node-ready")
	c.must(t, `apiVersion: v1
kind: Pod
metadata: {name: ready}
spec:
  terminationGracePeriodSeconds: 2
  containers:
  - name: web
    image: localhost/testserver:v1
    readinessProbe:
      httpGet: {path: /readyz, port: 8080}
      periodSeconds: 1
      failureThreshold: 1
`, "apply", "-n", ns, "-f", "-")
	p := waitPod(t, cs, ns, "ready", 60*time.Second, "Ready", podReady)
	base := fmt.Sprintf("http://%s:8080", p.Status.PodIP)
	getWithRetry(t, base+"/readyz/fail")
	p = waitPod(t, cs, ns, "ready", 30*time.Second, "not Ready", func(p *corev1.Pod) bool { return !podReady(p) })
	if s := containerStatus(p, "web"); s.Ready || s.State.Running == nil || s.RestartCount != 0 {
		t.Errorf("unready container status = %+v, want running, not ready, no restart", s)
	}
	getWithRetry(t, base+"/readyz/ok")
	p = waitPod(t, cs, ns, "ready", 30*time.Second, "Ready again", podReady)
	if s := containerStatus(p, "web"); !s.Ready || s.RestartCount != 0 {
		t.Errorf("container status = %+v, want ready, no restart", s)
	}
}

// TestNodeOOMKilled: a container over its 16Mi memory limit is killed and reports OOMKilled.
func TestNodeOOMKilled(t *testing.T) {
	c, cs := nodeCluster(t), nodeClient(t)
	ns := c.namespace(t, "node-oom")
	c.must(t, `apiVersion: v1
kind: Pod
metadata: {name: oom}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: hog
    image: localhost/busybox:1.35
    command: ["sh", "-c", "echo allocating; tail /dev/zero"]
    resources:
      limits: {memory: 16Mi}
`, "apply", "-n", ns, "-f", "-")
	p := waitPod(t, cs, ns, "oom", 60*time.Second, "lastState OOMKilled", func(p *corev1.Pod) bool {
		s := containerStatus(p, "hog")
		return s != nil && s.LastTerminationState.Terminated != nil
	})
	last := containerStatus(p, "hog").LastTerminationState.Terminated
	if last.Reason != "OOMKilled" || last.ExitCode != 137 {
		t.Errorf("lastState.terminated = %s (exit %d), want OOMKilled (137)", last.Reason, last.ExitCode)
	}
}

// TestNodeGracefulTermination: a container that exits on SIGTERM is deleted quickly; one that
// ignores it is killed after terminationGracePeriodSeconds (3), then the pod object is gone.
func TestNodeGracefulTermination(t *testing.T) {
	c, cs := nodeCluster(t), nodeClient(t)
	ns := c.namespace(t, "node-term")
	pod := func(name, script string, grace int) string {
		return fmt.Sprintf(`apiVersion: v1
kind: Pod
metadata: {name: %s}
spec:
  terminationGracePeriodSeconds: %d
  containers:
  - name: main
    image: localhost/busybox:1.35
    command: ["sh", "-c", %q]
`, name, grace, script)
	}
	c.must(t, pod("polite", "trap 'echo bye; exit 0' TERM; while true; do sleep 0.2; done", 30)+"---\n"+
		pod("stubborn", "trap '' TERM; while true; do sleep 0.2; done", 3), "apply", "-n", ns, "-f", "-")
	waitPod(t, cs, ns, "polite", 60*time.Second, "running", running)
	waitPod(t, cs, ns, "stubborn", 60*time.Second, "running", running)

	deleteTimed := func(name string) time.Duration {
		start := time.Now()
		c.must(t, "", "delete", "-n", ns, "pod", name, "--wait=true", "--timeout=60s")
		d := time.Since(start)
		if _, err := cs.CoreV1().Pods(ns).Get(context.Background(), name, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			t.Errorf("pod %s after deletion: %v, want NotFound", name, err)
		}
		return d
	}
	polite, stubborn := deleteTimed("polite"), deleteTimed("stubborn")
	t.Logf("deletion took %v (exits on SIGTERM, grace 30s) and %v (ignores it, grace 3s)", polite, stubborn)
	if polite > 15*time.Second {
		t.Errorf("a container exiting on SIGTERM took %v to delete (grace 30s)", polite)
	}
	if stubborn < 2500*time.Millisecond {
		t.Errorf("a container ignoring SIGTERM was deleted in %v, before its 3s grace period", stubborn)
	}
}

// lineCount is the number of lines in path (0 if missing).
func lineCount(path string) int {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	return strings.Count(string(b), "\n")
}

// readFloats reads one number per line.
func readFloats(t *testing.T, path string) []float64 {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []float64
	for _, f := range strings.Fields(string(b)) {
		v, err := strconv.ParseFloat(f, 64)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out = append(out, v)
	}
	return out
}
