package containerd

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"
)

// TestSupervisor runs a real containerd: CRI answers, tarballs are imported, a pod runs with
// the required CRI settings, containerd killed behind the supervisor's back is restarted, and
// containers survive both that and a supervisor restart.
func TestSupervisor(t *testing.T) {
	requireRuntime(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	dir := testDataDir(t, ctx, "pause.tar", "busybox.tar")
	s, stop := startSupervisor(t, dir)
	rt, img := criClient(t, s)

	v, err := rt.Version(ctx, &runtimeapi.VersionRequest{})
	if err != nil || v.RuntimeName != "containerd" {
		t.Fatalf("Version = %v, %v", v, err)
	}
	requireImages(t, ctx, img, "localhost/pause:3.9", "localhost/busybox:1.35")

	sandbox := runSandbox(t, ctx, rt, dir)
	runToExit(t, ctx, rt, sandbox, dir)
	sleeper := startContainer(t, ctx, rt, sandbox, dir, "sleeper", []string{"sleep", "3600"})

	killContainerd(t, s)
	requireState(t, ctx, rt, sleeper, runtimeapi.ContainerState_CONTAINER_RUNNING)

	stop()
	s2, stop2 := startSupervisor(t, dir)
	rt2, _ := criClient(t, s2)
	requireState(t, ctx, rt2, sleeper, runtimeapi.ContainerState_CONTAINER_RUNNING)
	if _, err := rt2.StopPodSandbox(ctx, &runtimeapi.StopPodSandboxRequest{PodSandboxId: sandbox}); err != nil {
		t.Fatalf("StopPodSandbox: %v", err)
	}
	if _, err := rt2.RemovePodSandbox(ctx, &runtimeapi.RemovePodSandboxRequest{PodSandboxId: sandbox}); err != nil {
		t.Fatalf("RemovePodSandbox: %v", err)
	}
	stop2()
}

func requireImages(t *testing.T, ctx context.Context, img runtimeapi.ImageServiceClient, want ...string) {
	t.Helper()
	resp, err := img.ListImages(ctx, &runtimeapi.ListImagesRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var tags []string
	for _, i := range resp.Images {
		tags = append(tags, i.RepoTags...)
	}
	for _, w := range want {
		if !slices.Contains(tags, w) {
			t.Fatalf("ListImages tags %v lack %s", tags, w)
		}
	}
}

func runSandbox(t *testing.T, ctx context.Context, rt runtimeapi.RuntimeServiceClient, dir string) string {
	t.Helper()
	start := time.Now()
	resp, err := rt.RunPodSandbox(ctx, &runtimeapi.RunPodSandboxRequest{Config: sandboxConfig(dir)})
	if err != nil {
		t.Fatalf("RunPodSandbox: %v", err)
	}
	t.Logf("RunPodSandbox took %s", time.Since(start))
	st, err := rt.PodSandboxStatus(ctx, &runtimeapi.PodSandboxStatusRequest{PodSandboxId: resp.PodSandboxId})
	if err != nil {
		t.Fatal(err)
	}
	if ip := st.Status.GetNetwork().GetIp(); !strings.HasPrefix(ip, "10.99.0.") {
		t.Errorf("sandbox IP %q not in %s", ip, testSubnet)
	}
	return resp.PodSandboxId
}

func sandboxConfig(dir string) *runtimeapi.PodSandboxConfig {
	return &runtimeapi.PodSandboxConfig{
		Metadata:     &runtimeapi.PodSandboxMetadata{Name: "test", Namespace: "default", Uid: "uid-1"},
		Hostname:     "test",
		LogDirectory: filepath.Join(dir, "logs", "default_test_uid-1"),
		Linux:        &runtimeapi.LinuxPodSandboxConfig{},
	}
}

// runToExit runs busybox `echo hi` and checks its exit code and CRI log.
func runToExit(t *testing.T, ctx context.Context, rt runtimeapi.RuntimeServiceClient, sandbox, dir string) {
	t.Helper()
	id := startContainer(t, ctx, rt, sandbox, dir, "echo", []string{"sh", "-c", "echo hi"})
	st := requireState(t, ctx, rt, id, runtimeapi.ContainerState_CONTAINER_EXITED)
	if st.ExitCode != 0 {
		t.Errorf("exit code %d, want 0", st.ExitCode)
	}
	log, err := os.ReadFile(filepath.Join(dir, "logs", "default_test_uid-1", "echo", "0.log"))
	if err != nil || !strings.Contains(string(log), " stdout F hi\n") {
		t.Errorf("container log %q, %v; want a CRI line with hi", log, err)
	}
}

func startContainer(t *testing.T, ctx context.Context, rt runtimeapi.RuntimeServiceClient, sandbox, dir, name string, cmd []string) string {
	t.Helper()
	return createStart(t, ctx, rt, sandbox, dir, &runtimeapi.ContainerConfig{
		Metadata: &runtimeapi.ContainerMetadata{Name: name},
		Image:    &runtimeapi.ImageSpec{Image: "localhost/busybox:1.35"},
		Command:  cmd,
	})
}

// createStart creates and starts a container logging to <name>/0.log in the sandbox's log dir.
func createStart(t *testing.T, ctx context.Context, rt runtimeapi.RuntimeServiceClient, sandbox, dir string, cfg *runtimeapi.ContainerConfig) string {
	t.Helper()
	name := cfg.Metadata.Name
	cfg.LogPath = filepath.Join(name, "0.log")
	cfg.Linux = &runtimeapi.LinuxContainerConfig{}
	resp, err := rt.CreateContainer(ctx, &runtimeapi.CreateContainerRequest{PodSandboxId: sandbox, Config: cfg, SandboxConfig: sandboxConfig(dir)})
	if err != nil {
		t.Fatalf("CreateContainer %s: %v", name, err)
	}
	if _, err := rt.StartContainer(ctx, &runtimeapi.StartContainerRequest{ContainerId: resp.ContainerId}); err != nil {
		t.Fatalf("StartContainer %s: %v", name, err)
	}
	return resp.ContainerId
}

// requireState polls a container until it reaches want (10s at most) and returns its status.
func requireState(t *testing.T, ctx context.Context, rt runtimeapi.RuntimeServiceClient, id string, want runtimeapi.ContainerState) *runtimeapi.ContainerStatus {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := rt.ContainerStatus(ctx, &runtimeapi.ContainerStatusRequest{ContainerId: id})
		if err == nil && resp.Status.State == want {
			return resp.Status
		}
		if time.Now().After(deadline) {
			t.Fatalf("container %s: state %v, err %v; want %v", id, resp.GetStatus().GetState(), err, want)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// killContainerd SIGKILLs the supervised containerd and waits for the supervisor to have
// started a new one whose CRI answers.
func killContainerd(t *testing.T, s *Supervisor) {
	t.Helper()
	pid, starts := s.PID(), s.Starts()
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for s.Starts() == starts || s.PID() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("containerd not restarted within 20s")
		}
		time.Sleep(50 * time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := waitCRI(ctx, s.Address(), nil); err != nil {
		t.Fatalf("CRI after restart: %v", err)
	}
}
