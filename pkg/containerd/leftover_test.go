package containerd

import (
	"context"
	"log/slog"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// TestStopLeftover starts a containerd the way a killed agent leaves one behind, and checks
// that a new Supervisor on the same data dir stops it and takes over the socket.
func TestStopLeftover(t *testing.T) {
	requireRuntime(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dir := testDataDir(t, ctx, "pause.tar")
	s, err := New(Config{DataDir: dir, Log: slog.New(slog.NewTextHandler(testWriter{t}, nil))})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.prepare(ctx); err != nil {
		t.Fatal(err)
	}
	old := exec.Command("containerd", "--config", s.l.Config)
	old.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := old.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { old.Wait(); close(exited) }()
	wctx, wcancel := context.WithTimeout(ctx, 30*time.Second)
	defer wcancel()
	if err := waitCRI(wctx, s.l.Socket, exited); err != nil {
		t.Fatalf("leftover containerd: %v", err)
	}

	s2, stop := startSupervisor(t, dir)
	defer stop()
	select {
	case <-exited:
	case <-time.After(time.Second):
		t.Fatal("leftover containerd still running")
	}
	if s2.PID() == old.Process.Pid || s2.PID() == 0 {
		t.Errorf("supervisor pid %d, leftover %d", s2.PID(), old.Process.Pid)
	}
}
