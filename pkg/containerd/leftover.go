package containerd

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// StopLeftover stops a containerd that a previous run left behind with the given config file
// (an agent killed with SIGKILL cannot stop its child), then removes the socket files so a new
// containerd can listen. Containers keep running: their shims do not depend on containerd.
// It blocks up to stopGrace per process and fails if something else still answers on socket.
func StopLeftover(ctx context.Context, configPath, socket string, log *slog.Logger) error {
	for _, pid := range findContainerd(configPath) {
		log.Warn("stopping containerd left over by a previous run", "pid", pid)
		stopPID(ctx, pid)
	}
	vctx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
	defer cancel()
	if _, err := Version(vctx, socket); err == nil {
		return fmt.Errorf("another process serves %s; stop it first", socket)
	}
	for _, p := range []string{socket, socket + ".ttrpc"} {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}

// findContainerd returns the pids of containerd processes started with configPath.
func findContainerd(configPath string) []int {
	entries, _ := os.ReadDir("/proc")
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err == nil && isContainerd(cmdline, configPath) {
			pids = append(pids, pid)
		}
	}
	return pids
}

// isContainerd reports whether a NUL-separated command line runs containerd with configPath.
func isContainerd(cmdline []byte, configPath string) bool {
	args := bytes.Split(bytes.TrimRight(cmdline, "\x00"), []byte{0})
	if len(args) == 0 || filepath.Base(string(args[0])) != "containerd" {
		return false
	}
	for i, a := range args[1:] {
		s := string(a)
		if s == "--config="+configPath || s == "-c="+configPath {
			return true
		}
		if (s == "--config" || s == "-c") && i+2 < len(args) && string(args[i+2]) == configPath {
			return true
		}
	}
	return false
}

// stopPID sends SIGTERM, waits up to stopGrace for the process to go, then sends SIGKILL.
func stopPID(ctx context.Context, pid int) {
	if syscall.Kill(pid, syscall.SIGTERM) != nil {
		return
	}
	deadline := time.Now().Add(stopGrace)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		if !alive(pid) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	_ = syscall.Kill(pid, syscall.SIGKILL)
	for i := 0; i < 40 && alive(pid); i++ {
		time.Sleep(50 * time.Millisecond)
	}
}

// alive reports whether pid exists and is not a zombie waiting for its parent.
func alive(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	stat, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return false
	}
	// The state follows the parenthesised command name: "pid (comm) S ...".
	i := bytes.LastIndexByte(stat, ')')
	return i < 0 || i+2 >= len(stat) || stat[i+2] != 'Z'
}
