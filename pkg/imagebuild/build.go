package imagebuild

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Options say where to build from and to. Only OutDir is required.
type Options struct {
	// OutDir receives pause.tar, busybox.tar and testserver.tar; it is created if missing.
	OutDir string
	// ModuleDir is the root of the skiff module (default: found with `go env GOMOD` from the
	// working directory, which works from any package directory in tests).
	ModuleDir string
	// Busybox is the static busybox binary (default: busybox on PATH).
	Busybox string
	// Go is the go command (default "go").
	Go string
	// Log reports each image written (default slog.Default()).
	Log *slog.Logger
}

// builder holds defaulted Options and a scratch directory for Go binaries.
type builder struct {
	Options
	busybox string
	tmp     string
}

// Build compiles the Go programs and writes every image tarball into opts.OutDir, replacing
// existing ones. It blocks until done and returns the tarballs' paths.
func Build(ctx context.Context, opts Options) ([]string, error) {
	b, err := newBuilder(ctx, opts)
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(b.tmp)
	if err := os.MkdirAll(b.OutDir, 0o755); err != nil {
		return nil, err
	}
	var paths []string
	for _, s := range specs() {
		path, err := b.buildOne(ctx, s)
		if err != nil {
			return nil, fmt.Errorf("image %s: %w", s.ref, err)
		}
		paths = append(paths, path)
	}
	return paths, nil
}

func (b *builder) buildOne(ctx context.Context, s spec) (string, error) {
	entries, err := s.files(ctx, b)
	if err != nil {
		return "", err
	}
	img, err := image(s, entries)
	if err != nil {
		return "", err
	}
	path := filepath.Join(b.OutDir, s.file)
	if err := writeImage(path, s.ref, img); err != nil {
		return "", err
	}
	b.Log.Info("image written", "image", s.ref, "file", path)
	return path, nil
}

func newBuilder(ctx context.Context, opts Options) (*builder, error) {
	if opts.OutDir == "" {
		return nil, errors.New("imagebuild: OutDir is required")
	}
	if opts.Go == "" {
		opts.Go = "go"
	}
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	if opts.ModuleDir == "" {
		dir, err := moduleDir(ctx, opts.Go)
		if err != nil {
			return nil, err
		}
		opts.ModuleDir = dir
	}
	bb, err := findBusybox(opts.Busybox)
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "skiff-imagebuild")
	if err != nil {
		return nil, err
	}
	return &builder{Options: opts, busybox: bb, tmp: tmp}, nil
}

// moduleDir returns the directory of the main module's go.mod.
func moduleDir(ctx context.Context, goCmd string) (string, error) {
	out, err := exec.CommandContext(ctx, goCmd, "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("imagebuild: not inside the skiff module; set ModuleDir")
	}
	return filepath.Dir(gomod), nil
}

func findBusybox(path string) (string, error) {
	if path != "" {
		return path, nil
	}
	p, err := exec.LookPath("busybox")
	if err != nil {
		return "", errors.New("busybox not found; install Debian's busybox-static (make deps)")
	}
	return p, nil
}

// goBuild compiles the package pkg (relative to the module) as a static linux/amd64 binary and
// returns it.
func (b *builder) goBuild(ctx context.Context, pkg string) ([]byte, error) {
	out := filepath.Join(b.tmp, filepath.Base(pkg))
	cmd := exec.CommandContext(ctx, b.Go, "build", "-trimpath", "-ldflags", "-s -w", "-o", out, pkg)
	cmd.Dir = b.ModuleDir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("go build %s: %w: %s", pkg, err, strings.TrimSpace(stderr.String()))
	}
	return os.ReadFile(out)
}
