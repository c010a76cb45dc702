package containerd

import (
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"
)

// TestImagesRun runs the project's images on a real containerd: the testserver answers HTTP and
// TCP echo on the pod IP, busybox's applets reach it over the pod's loopback, and SIGTERM
// makes the testserver exit 0 after SHUTDOWN_DELAY.
func TestImagesRun(t *testing.T) {
	requireRuntime(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	dir := testDataDir(t, ctx, "pause.tar", "busybox.tar", "testserver.tar")
	s, stop := startSupervisor(t, dir)
	defer stop()
	rt, _ := criClient(t, s)
	sandbox := runSandbox(t, ctx, rt, dir)
	defer removeSandbox(t, rt, sandbox)
	ip := sandboxIP(t, ctx, rt, sandbox)

	server := createStart(t, ctx, rt, sandbox, dir, &runtimeapi.ContainerConfig{
		Metadata: &runtimeapi.ContainerMetadata{Name: "server"},
		Image:    &runtimeapi.ImageSpec{Image: "localhost/testserver:v1"},
		Envs:     []*runtimeapi.KeyValue{{Key: "SHUTDOWN_DELAY", Value: []byte("1s")}},
	})
	requireHTTP(t, "http://"+ip+":8080/healthz", "ok")
	requireHTTP(t, "http://"+ip+":8080/hostname", "test")
	requireEcho(t, ip+":9000")

	client := startContainer(t, ctx, rt, sandbox, dir, "client", []string{"sh", "-c", "wget -qO- http://127.0.0.1:8080/readyz && ls /bin/ls /usr/bin/wget"})
	if st := requireState(t, ctx, rt, client, runtimeapi.ContainerState_CONTAINER_EXITED); st.ExitCode != 0 {
		t.Errorf("busybox client exit code %d; log %s", st.ExitCode, readLog(dir, "client"))
	}

	start := time.Now()
	if _, err := rt.StopContainer(ctx, &runtimeapi.StopContainerRequest{ContainerId: server, Timeout: 10}); err != nil {
		t.Fatalf("StopContainer: %v", err)
	}
	took := time.Since(start)
	st := requireState(t, ctx, rt, server, runtimeapi.ContainerState_CONTAINER_EXITED)
	if st.ExitCode != 0 || took < time.Second || took > 5*time.Second {
		t.Errorf("testserver stopped in %s with code %d; want 0 after ~1s", took, st.ExitCode)
	}
	if log := readLog(dir, "server"); !strings.Contains(log, "received terminated") {
		t.Errorf("testserver log lacks the SIGTERM line:\n%s", log)
	}
}

func sandboxIP(t *testing.T, ctx context.Context, rt runtimeapi.RuntimeServiceClient, id string) string {
	st, err := rt.PodSandboxStatus(ctx, &runtimeapi.PodSandboxStatusRequest{PodSandboxId: id})
	if err != nil {
		t.Fatal(err)
	}
	return st.Status.GetNetwork().GetIp()
}

func removeSandbox(t *testing.T, rt runtimeapi.RuntimeServiceClient, id string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := rt.StopPodSandbox(ctx, &runtimeapi.StopPodSandboxRequest{PodSandboxId: id}); err != nil {
		t.Errorf("StopPodSandbox: %v", err)
	}
	if _, err := rt.RemovePodSandbox(ctx, &runtimeapi.RemovePodSandboxRequest{PodSandboxId: id}); err != nil {
		t.Errorf("RemovePodSandbox: %v", err)
	}
}

func readLog(dir, container string) string {
	data, _ := os.ReadFile(filepath.Join(dir, "logs", "default_test_uid-1", container, "0.log"))
	return string(data)
}

// requireHTTP polls url for up to 10s until it answers 200 with a body containing want.
func requireHTTP(t *testing.T, url, want string) {
	t.Helper()
	c := &http.Client{Timeout: time.Second}
	var last string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		resp, err := c.Get(url)
		if err != nil {
			last = err.Error()
			continue
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if last = string(body); resp.StatusCode == 200 && strings.Contains(last, want) {
			return
		}
	}
	t.Fatalf("GET %s: last answer %q, want %q", url, last, want)
}

func requireEcho(t *testing.T, addr string) {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(2 * time.Second))
	c.Write([]byte("ping\n"))
	buf := make([]byte, 5)
	if _, err := io.ReadFull(c, buf); err != nil || string(buf) != "ping\n" {
		t.Errorf("echo answered %q, %v", buf, err)
	}
}
