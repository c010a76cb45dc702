package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// must runs kubectl against c and fails the test on an error.
func (c *cluster) must(t testing.TB, stdin string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	out, errOut, err := c.kubectl(ctx, stdin, args...)
	if err != nil {
		t.Fatalf("kubectl %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, out, errOut)
	}
	return out
}

const streamingPod = `apiVersion: v1
kind: Pod
metadata:
  name: stream
  namespace: stream
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: counter
    image: localhost/busybox:1.35
    command: ["sh", "-c", "i=0; while true; do echo line $i; i=$((i+1)); sleep 0.2; done"]
  - name: web
    image: localhost/testserver:v1
    readinessProbe:
      httpGet: {path: /readyz, port: 8080}
`

// TestLogsExecPortForwardCopy drives the kubelet API through the API server with kubectl.
func TestLogsExecPortForwardCopy(t *testing.T) {
	c := nodeCluster(t)
	ns := c.namespace(t, "stream")
	c.must(t, streamingPod, "apply", "-f", "-")
	c.must(t, "", "wait", "-n", ns, "--for=condition=Ready", "pod/stream", "--timeout=60s")
	time.Sleep(time.Second) // a few log lines

	t.Run("logs", func(t *testing.T) {
		if out := c.must(t, "", "logs", "-n", ns, "stream", "-c", "counter", "--tail", "2"); strings.Count(out, "line ") != 2 {
			t.Errorf("--tail 2: %q", out)
		}
		out := c.must(t, "", "logs", "-n", ns, "stream", "-c", "counter", "--tail", "1", "--timestamps")
		if _, err := time.Parse(time.RFC3339Nano, strings.Fields(out)[0]); err != nil {
			t.Errorf("--timestamps: %q", out)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		follow, _, _ := c.kubectl(ctx, "", "logs", "-n", ns, "-f", "stream", "-c", "counter", "--tail", "1")
		if n := strings.Count(follow, "line "); n < 4 {
			t.Errorf("-f for 2s gave %d lines: %q", n, follow)
		}
		_, errOut, err := c.kubectl(context.Background(), "", "logs", "-n", ns, "stream", "-c", "counter", "--previous")
		if err == nil || !strings.Contains(errOut, `previous terminated container "counter"`) {
			t.Errorf("--previous: %v %s", err, errOut)
		}
	})
	t.Run("exec", func(t *testing.T) {
		if out := c.must(t, "piped\n", "exec", "-n", ns, "-i", "stream", "-c", "counter", "--", "cat"); out != "piped\n" {
			t.Errorf("exec -i cat = %q", out)
		}
		_, _, err := c.kubectl(context.Background(), "", "exec", "-n", ns, "stream", "-c", "counter", "--", "sh", "-c", "exit 3")
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() == 0 {
			t.Errorf("exit 3: %v", err)
		}
	})
	t.Run("cp", func(t *testing.T) {
		src := filepath.Join(t.TempDir(), "in.txt")
		os.WriteFile(src, []byte("copied\n"), 0o644)
		c.must(t, "", "cp", "-n", ns, src, "stream:/tmp/in.txt", "-c", "counter")
		back := filepath.Join(t.TempDir(), "back.txt")
		c.must(t, "", "cp", "-n", ns, "stream:/tmp/in.txt", back, "-c", "counter")
		if data, _ := os.ReadFile(back); string(data) != "copied\n" {
			t.Errorf("round trip = %q", data)
		}
	})
	t.Run("port-forward", func(t *testing.T) {
		local := freePort()
		ctx, cancel := context.WithCancel(context.Background())
		cmd := exec.CommandContext(ctx, c.bin, "kubectl", "--kubeconfig", c.kubeconfig, "port-forward", "-n", ns, "pod/stream", fmt.Sprintf("%d:8080", local))
		cmd.Env = append(os.Environ(), "HOME="+c.dir)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		defer func() { cancel(); cmd.Wait() }()
		body := getWithRetry(t, fmt.Sprintf("http://127.0.0.1:%d/hostname", local))
		if strings.TrimSpace(body) != "stream" {
			t.Errorf("/hostname through port-forward = %q", body)
		}
	})
}

// waitExists polls until kubectl get finds the object (kubectl wait fails on NotFound).
func (c *cluster) waitExists(t *testing.T, obj string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		_, _, err := c.kubectl(context.Background(), "", "get", obj)
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not appear: %v", obj, err)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

func getWithRetry(t *testing.T, url string) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := (&http.Client{Timeout: 5 * time.Second}).Get(url)
		if err == nil {
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return string(b)
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET %s: %v", url, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
