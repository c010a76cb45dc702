package containerd

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"

	"skiff/pkg/imagebuild"
)

// testBridge and testSubnet are the CNI network of the integration test.
const (
	testBridge = "skifft0"
	testSubnet = "10.99.0.0/24"
)

// requireRuntime skips unless the test can run a real containerd.
func requireRuntime(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("starts a real containerd")
	}
	if os.Geteuid() != 0 {
		t.Skip("needs root")
	}
	for _, bin := range []string{"containerd", "ctr", "runc", "busybox", "ip"} {
		if _, err := exec.LookPath(bin); err != nil {
			t.Skipf("%s not installed (make deps)", bin)
		}
	}
}

// testDataDir makes a short data dir (unix socket paths are limited to 108 bytes) holding the
// named image tarballs ("pause.tar", ...) and a bridge CNI config.
func testDataDir(t *testing.T, ctx context.Context, images ...string) string {
	dir, err := os.MkdirTemp("/tmp", "ctrd")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			logTail(t, filepath.Join(dir, "containerd", "containerd.log"))
		}
		exec.Command("ip", "link", "del", testBridge).Run()
		os.RemoveAll(dir)
	})
	for name, p := range testImages(t, ctx) {
		if slices.Contains(images, name) {
			copyFile(t, p, filepath.Join(dir, "images", name))
		}
	}
	writeFile(t, filepath.Join(dir, "cni", "net.d", "10-test.conflist"), fmt.Sprintf(`{
  "cniVersion": "1.0.0", "name": "skiff-test",
  "plugins": [
    {"type": "bridge", "bridge": %q, "isGateway": true, "ipMasq": false,
     "ipam": {"type": "host-local", "dataDir": %q, "ranges": [[{"subnet": %q}]]}},
    {"type": "loopback"}
  ]
}`, testBridge, filepath.Join(dir, "cni", "ipam"), testSubnet))
	return dir
}

// testImages builds the project's images once per source version into a shared temp dir and
// returns their paths by file name ("pause.tar", ...).
func testImages(t *testing.T, ctx context.Context) map[string]string {
	t.Helper()
	paths, err := imagebuild.Ensure(ctx, imagebuild.Options{OutDir: imagebuild.CacheDir()})
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, p := range paths {
		m[filepath.Base(p)] = p
	}
	return m
}

// logTail logs the end of containerd's log, for failures.
func logTail(t *testing.T, path string) {
	data, _ := os.ReadFile(path)
	if len(data) > 4000 {
		data = data[len(data)-4000:]
	}
	t.Logf("tail of %s:\n%s", path, data)
}

func copyFile(t *testing.T, from, to string) {
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, to, string(data))
}

func writeFile(t *testing.T, path, data string) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// startSupervisor runs a Supervisor on dir until the returned stop is called, and waits for Ready.
func startSupervisor(t *testing.T, dir string) (*Supervisor, func()) {
	t.Helper()
	s, err := New(Config{DataDir: dir, Log: slog.New(slog.NewTextHandler(testWriter{t}, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	select {
	case <-s.Ready():
	case err := <-done:
		t.Fatalf("Run returned before Ready: %v", err)
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatalf("containerd not ready after 30s; see %s", filepath.Join(dir, "containerd", "containerd.log"))
	}
	stop := func() {
		pid := s.PID()
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(20 * time.Second):
			t.Fatal("Run did not return within 20s of cancel")
		}
		if syscall.Kill(pid, 0) == nil {
			t.Errorf("containerd pid %d still alive after stop", pid)
		}
	}
	return s, stop
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

func criClient(t *testing.T, s *Supervisor) (runtimeapi.RuntimeServiceClient, runtimeapi.ImageServiceClient) {
	conn, err := grpc.NewClient(s.Endpoint(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return runtimeapi.NewRuntimeServiceClient(conn), runtimeapi.NewImageServiceClient(conn)
}

var _ io.Writer = testWriter{}
