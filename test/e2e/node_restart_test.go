package e2e

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"
)

// TestNodeRestartResilience restarts the whole `skiff server` process: running containers are
// not restarted (same IDs, start times and restart counts), and a container removed behind the
// kubelet's back (CRI RemoveContainer on the agent's containerd) is recreated.
func TestNodeRestartResilience(t *testing.T) {
	c, cs := nodeCluster(t), nodeClient(t)
	ns := c.namespace(t, "node-restart")
	c.must(t, `apiVersion: v1
kind: Pod
metadata: {name: steady}
spec:
  terminationGracePeriodSeconds: 2
  containers:
  - name: web
    image: localhost/testserver:v1
    readinessProbe:
      httpGet: {path: /readyz, port: 8080}
      periodSeconds: 1
  - name: side
    image: localhost/busybox:1.35
    command: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 0.2; done"]
`, "apply", "-n", ns, "-f", "-")
	before := waitPod(t, cs, ns, "steady", 60*time.Second, "Ready", func(p *corev1.Pod) bool { return running(p) && podReady(p) })

	restartedAt := time.Now()
	c.restart(t)
	if err := waitNodeReady(cs, nodeName, 60*time.Second); err != nil {
		t.Fatal(err)
	}
	// The kubelet has re-synced once it renewed its lease after the restart; give its pod
	// workers a few relist periods on top.
	eventually(t, 60*time.Second, "lease renewed after the restart", func() (bool, string) {
		l, err := cs.CoordinationV1().Leases(corev1.NamespaceNodeLease).Get(context.Background(), nodeName, metav1.GetOptions{})
		if err != nil || l.Spec.RenewTime == nil {
			return false, fmt.Sprint(err)
		}
		return l.Spec.RenewTime.After(restartedAt), l.Spec.RenewTime.String()
	})
	time.Sleep(5 * time.Second)
	after := waitPod(t, cs, ns, "steady", 30*time.Second, "Ready after the restart", func(p *corev1.Pod) bool { return running(p) && podReady(p) })
	for _, name := range []string{"web", "side"} {
		b, a := containerStatus(before, name), containerStatus(after, name)
		if a.ContainerID != b.ContainerID || a.RestartCount != b.RestartCount || !a.State.Running.StartedAt.Equal(&b.State.Running.StartedAt) {
			t.Errorf("%s after the server restart: id %s restarts %d started %v; before: %s %d %v", name,
				a.ContainerID, a.RestartCount, a.State.Running.StartedAt, b.ContainerID, b.RestartCount, b.State.Running.StartedAt)
		}
	}
	if body := getWithRetry(t, fmt.Sprintf("http://%s:8080/hostname", after.Status.PodIP)); strings.TrimSpace(body) != "steady" {
		t.Errorf("GET /hostname after the restart = %q", body)
	}

	gone := containerStatus(after, "side").ContainerID
	removeContainer(t, filepath.Join(c.dir, "agent", "containerd", "containerd.sock"), gone)
	p := waitPod(t, cs, ns, "steady", 60*time.Second, "side container recreated", func(p *corev1.Pod) bool {
		s := containerStatus(p, "side")
		return running(p) && s.ContainerID != gone
	})
	if web := containerStatus(p, "web"); web.ContainerID != containerStatus(after, "web").ContainerID {
		t.Errorf("web container replaced too: %s", web.ContainerID)
	}
}

// removeContainer removes a container through the CRI API of the containerd at socket, as an
// operator with crictl would.
func removeContainer(t *testing.T, socket, containerID string) {
	t.Helper()
	conn, err := grpc.NewClient("unix://"+socket, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	rt := runtimeapi.NewRuntimeServiceClient(conn)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	id := strings.TrimPrefix(containerID, "containerd://")
	if _, err := rt.StopContainer(ctx, &runtimeapi.StopContainerRequest{ContainerId: id, Timeout: 0}); err != nil {
		t.Fatalf("CRI StopContainer %s: %v", id, err)
	}
	if _, err := rt.RemoveContainer(ctx, &runtimeapi.RemoveContainerRequest{ContainerId: id}); err != nil {
		t.Fatalf("CRI RemoveContainer %s: %v", id, err)
	}
}
