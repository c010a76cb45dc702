package containerd

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"time"
)

// maxSocketPath leaves room in the 108-byte sun_path for containerd's "<socket>.ttrpc".
const maxSocketPath = 107 - len(".ttrpc")

// Backoff bounds for restarting a containerd that exited on its own.
const (
	minRestartDelay = time.Second
	maxRestartDelay = 30 * time.Second
	// healthyRun is how long containerd must have run for the backoff to start again at 1s.
	healthyRun = 2 * time.Minute
)

// Supervisor runs one private containerd. Create it with New and start it with Run.
type Supervisor struct {
	cfg   Config
	log   *slog.Logger
	l     layout
	ready chan struct{}

	mu     sync.Mutex
	pid    int // of the running containerd, 0 when none
	starts int // how many times containerd was started
}

// New validates and defaults cfg. It does no I/O; Run writes files and starts processes.
func New(cfg Config) (*Supervisor, error) {
	if cfg.DataDir == "" {
		return nil, errors.New("containerd: DataDir is required")
	}
	dir, err := filepath.Abs(cfg.DataDir)
	if err != nil {
		return nil, fmt.Errorf("containerd: %w", err)
	}
	cfg.DataDir = dir
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	cfg.Containerd = orDefault(cfg.Containerd, "containerd")
	cfg.Ctr = orDefault(cfg.Ctr, "ctr")
	cfg.SandboxImage = orDefault(cfg.SandboxImage, DefaultSandboxImage)
	cfg.CNIBinDir = orDefault(cfg.CNIBinDir, DefaultCNIBinDir)
	l := newLayout(cfg.DataDir)
	if len(l.Socket) > maxSocketPath {
		return nil, fmt.Errorf("containerd: socket path %s is longer than %d bytes; use a shorter data dir", l.Socket, maxSocketPath)
	}
	return &Supervisor{cfg: cfg, log: cfg.Log.With("component", "containerd"), l: l, ready: make(chan struct{})}, nil
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// Endpoint is the CRI endpoint of the supervised containerd ("unix:///.../containerd.sock").
func (s *Supervisor) Endpoint() string { return "unix://" + s.l.Socket }

// Address is the containerd socket path, as ctr's --address wants it.
func (s *Supervisor) Address() string { return s.l.Socket }

// Ready is closed once containerd's CRI first answered and the image tarballs were imported.
// It stays closed across later restarts of containerd.
func (s *Supervisor) Ready() <-chan struct{} { return s.ready }

// Run writes the configuration, stops a containerd left over by a previous run on the same
// data dir, then runs containerd until ctx ends, restarting it with backoff (1s doubling to
// 30s) when it exits. When ctx ends it sends SIGTERM and, after 10s, SIGKILL; running
// containers are left alone. Run blocks; it returns nil when ctx ends, or an error when the
// configuration cannot be written.
func (s *Supervisor) Run(ctx context.Context) error {
	if err := s.prepare(ctx); err != nil {
		return err
	}
	delay := minRestartDelay
	imported := false
	for {
		started := time.Now()
		err := s.runOnce(ctx, &imported)
		if ctx.Err() != nil {
			return nil
		}
		if time.Since(started) > healthyRun {
			delay = minRestartDelay
		}
		s.log.Error("containerd exited; restarting", "err", err, "delay", delay, "log", s.l.Log)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(delay):
		}
		delay = nextDelay(delay)
	}
}

// nextDelay doubles a restart delay up to maxRestartDelay.
func nextDelay(d time.Duration) time.Duration {
	return min(2*d, maxRestartDelay)
}

// prepare creates the directories, writes config.toml and certs.d, and clears leftovers.
func (s *Supervisor) prepare(ctx context.Context) error {
	for _, bin := range []string{s.cfg.Containerd, s.cfg.Ctr} {
		if _, err := exec.LookPath(bin); err != nil {
			return fmt.Errorf("containerd: %w (install containerd: make deps)", err)
		}
	}
	reg, err := LoadRegistries(s.l.Registries)
	if err != nil {
		return fmt.Errorf("containerd: %w", err)
	}
	for _, d := range []string{s.l.Dir, s.l.Root, s.l.State, s.l.CNIConfDir, s.l.ImagesDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return fmt.Errorf("containerd: %w", err)
		}
	}
	if err := os.WriteFile(s.l.Config, []byte(renderConfig(s.l, s.cfg, reg)), 0o600); err != nil {
		return fmt.Errorf("containerd: write config: %w", err)
	}
	if err := writeCertsDir(s.l.CertsDir, hostsFiles(reg)); err != nil {
		return fmt.Errorf("containerd: write certs.d: %w", err)
	}
	if err := StopLeftover(ctx, s.l.Config, s.l.Socket, s.log); err != nil {
		return fmt.Errorf("containerd: %w", err)
	}
	return nil
}
