package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

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
		cmd := c.kubectlCmd(ctx, "port-forward", "-n", ns, "pod/stream", fmt.Sprintf("%d:8080", local))
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

// getWithRetry GETs url until it answers 200 (up to 20 s) and returns the body.
func getWithRetry(t *testing.T, url string) string {
	t.Helper()
	var body string
	eventually(t, 20*time.Second, "GET "+url, func() (bool, string) {
		b, err := get(url)
		body = b
		return err == nil, fmt.Sprint(err)
	})
	return body
}
