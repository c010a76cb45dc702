package e2e

import (
	"bytes"
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

// startNodeCluster runs `skiff server` with its in-process agent (real containerd) and the
// project's image tarballs; it skips unless root with containerd and `make images` output.
func startNodeCluster(t *testing.T) *cluster {
	t.Helper()
	images, _ := filepath.Glob("../../build/images/*.tar")
	_, err := exec.LookPath("containerd")
	if os.Geteuid() != 0 || err != nil || len(images) == 0 {
		t.Skip("needs root, containerd and build/images (make images)")
	}
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "agent", "images"), 0o700); err != nil {
		t.Fatal(err)
	}
	for _, img := range images {
		data, err := os.ReadFile(img)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, "agent", "images", filepath.Base(img)), data, 0o600)
	}
	port := freePort()
	c := &cluster{bin: shared.bin, dir: dir, kubeconfig: filepath.Join(dir, "kubeconfig.yaml"), url: fmt.Sprintf("https://127.0.0.1:%d", port), log: &bytes.Buffer{}}
	c.cmd = exec.Command(c.bin, "server", "--data-dir", dir, "--https-port", fmt.Sprint(port),
		"--etcd-client-port", fmt.Sprint(freePort()), "--etcd-peer-port", fmt.Sprint(freePort()),
		"--kubelet-port", fmt.Sprint(freePort()), "--node-name", "e2e-stream")
	c.cmd.Stdout, c.cmd.Stderr = c.log, c.log
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c.stop()
		if t.Failed() {
			t.Logf("server log (tail):\n%s", tail(c.log.String(), 6000))
		}
	})
	if err := c.waitReady(90 * time.Second); err != nil {
		t.Fatal(err)
	}
	return c
}

// must runs kubectl against c and fails the test on an error.
func (c *cluster) must(t *testing.T, stdin string, args ...string) string {
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
	c := startNodeCluster(t)
	c.waitExists(t, "node/e2e-stream")
	c.must(t, "", "wait", "--for=condition=Ready", "node/e2e-stream", "--timeout=60s")
	c.must(t, streamingPod, "apply", "-f", "-")
	t.Cleanup(func() { c.kubectl(context.Background(), "", "delete", "pod", "stream", "--wait=true", "--timeout=30s") })
	c.must(t, "", "wait", "--for=condition=Ready", "pod/stream", "--timeout=60s")
	time.Sleep(time.Second) // a few log lines

	t.Run("logs", func(t *testing.T) {
		if out := c.must(t, "", "logs", "stream", "-c", "counter", "--tail", "2"); strings.Count(out, "line ") != 2 {
			t.Errorf("--tail 2: %q", out)
		}
		out := c.must(t, "", "logs", "stream", "-c", "counter", "--tail", "1", "--timestamps")
		if _, err := time.Parse(time.RFC3339Nano, strings.Fields(out)[0]); err != nil {
			t.Errorf("--timestamps: %q", out)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		follow, _, _ := c.kubectl(ctx, "", "logs", "-f", "stream", "-c", "counter", "--tail", "1")
		if n := strings.Count(follow, "line "); n < 4 {
			t.Errorf("-f for 2s gave %d lines: %q", n, follow)
		}
		_, errOut, err := c.kubectl(context.Background(), "", "logs", "stream", "-c", "counter", "--previous")
		if err == nil || !strings.Contains(errOut, `previous terminated container "counter"`) {
			t.Errorf("--previous: %v %s", err, errOut)
		}
	})
	t.Run("exec", func(t *testing.T) {
		if out := c.must(t, "piped\n", "exec", "-i", "stream", "-c", "counter", "--", "cat"); out != "piped\n" {
			t.Errorf("exec -i cat = %q", out)
		}
		_, _, err := c.kubectl(context.Background(), "", "exec", "stream", "-c", "counter", "--", "sh", "-c", "exit 3")
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() == 0 {
			t.Errorf("exit 3: %v", err)
		}
	})
	t.Run("cp", func(t *testing.T) {
		src := filepath.Join(t.TempDir(), "in.txt")
		os.WriteFile(src, []byte("copied\n"), 0o644)
		c.must(t, "", "cp", src, "stream:/tmp/in.txt", "-c", "counter")
		back := filepath.Join(t.TempDir(), "back.txt")
		c.must(t, "", "cp", "stream:/tmp/in.txt", back, "-c", "counter")
		if data, _ := os.ReadFile(back); string(data) != "copied\n" {
			t.Errorf("round trip = %q", data)
		}
	})
	t.Run("port-forward", func(t *testing.T) {
		local := freePort()
		ctx, cancel := context.WithCancel(context.Background())
		cmd := exec.CommandContext(ctx, c.bin, "kubectl", "--kubeconfig", c.kubeconfig, "port-forward", "pod/stream", fmt.Sprintf("%d:8080", local))
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
