package containerd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// stopGrace is how long containerd gets between SIGTERM and SIGKILL.
const stopGrace = 10 * time.Second

// maxLogSize truncates containerd.log at start once it grew past it.
const maxLogSize = 64 << 20

// systemPath is appended to PATH so containerd finds runc and its shim in any environment.
const systemPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// criStartTimeout is how long a started containerd gets for its CRI to answer; a containerd
// that boots without its CRI plugin does not recover by itself, so it is stopped and restarted.
const criStartTimeout = time.Minute

// runOnce starts containerd and blocks until it exits or ctx ends (then it stops it). The first
// time its CRI answers it imports the image tarballs and closes Ready.
func (s *Supervisor) runOnce(ctx context.Context, imported *bool) error {
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	cmd, logFile, err := s.command(ctx)
	if err != nil {
		return err
	}
	defer logFile.Close()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", s.cfg.Containerd, err)
	}
	s.setPID(cmd.Process.Pid)
	defer s.setPID(0)
	s.log.Info("containerd started", "pid", cmd.Process.Pid, "endpoint", s.Endpoint())
	done := make(chan struct{})
	var waitErr error
	go func() { waitErr = cmd.Wait(); close(done) }()
	wctx, cancel := context.WithTimeout(ctx, criStartTimeout)
	err = waitCRI(wctx, s.l.Socket, done)
	cancel()
	switch {
	case err == nil && !*imported:
		s.importImages(ctx)
		*imported = true
		close(s.ready)
	case errors.Is(err, context.DeadlineExceeded):
		s.log.Error("containerd CRI did not answer; stopping it", "timeout", criStartTimeout, "log", s.l.Log)
		stop()
	}
	<-done
	return waitErr
}

// command builds the containerd command: its own process group (a terminal's ^C reaches the
// agent, which stops containerd in order), output appended to containerd.log, SIGTERM when ctx
// ends and SIGKILL stopGrace later. Only containerd itself is signalled, never its shims.
func (s *Supervisor) command(ctx context.Context) (*exec.Cmd, *os.File, error) {
	if fi, err := os.Stat(s.l.Log); err == nil && fi.Size() > maxLogSize {
		_ = os.Truncate(s.l.Log, 0)
	}
	logFile, err := os.OpenFile(s.l.Log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, nil, err
	}
	cmd := exec.CommandContext(ctx, s.cfg.Containerd, "--config", s.l.Config)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.Env = withSystemPath(os.Environ())
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = stopGrace
	return cmd, logFile, nil
}

// withSystemPath returns env with the system directories appended to PATH.
func withSystemPath(env []string) []string {
	out := make([]string, 0, len(env)+1)
	path := ""
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			path = v
			continue
		}
		out = append(out, kv)
	}
	if path == "" {
		return append(out, "PATH="+systemPath)
	}
	return append(out, "PATH="+path+":"+systemPath)
}

func (s *Supervisor) setPID(pid int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pid = pid
	if pid != 0 {
		s.starts++
	}
}

// PID returns the process id of the running containerd, or 0 between runs.
func (s *Supervisor) PID() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pid
}

// Starts returns how many times containerd was started (restarts included).
func (s *Supervisor) Starts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.starts
}
