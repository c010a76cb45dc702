// Package servertest runs a real Skiff control plane (embedded etcd on free ports, the API server
// over HTTPS, the built-in controllers) inside a test, and hands out admin client configs.
package servertest

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"skiff/pkg/etcd/etcdtest"
	"skiff/pkg/server"
	"skiff/pkg/version"
)

// Server is a control plane running for one test.
type Server struct {
	*server.Server
	// Config is an admin client config (QPS 1000).
	Config *rest.Config
	// Client is an admin clientset.
	Client kubernetes.Interface
	// DataDir is the server's data dir (kubeconfig.yaml is in it).
	DataDir string
}

// Options tune a test server.
type Options struct {
	// NoControllers runs only the API server (for tests that run the controller under test).
	NoControllers bool
}

// Start runs a server with every controller until the test ends. Set SKIFF_TEST_LOG=1 to see its log.
func Start(t testing.TB) *Server {
	t.Helper()
	return StartWith(t, Options{})
}

// StartWith is Start with options.
func StartWith(t testing.TB, opts Options) *Server {
	t.Helper()
	dir := t.TempDir()
	var out io.Writer = io.Discard
	if os.Getenv("SKIFF_TEST_LOG") != "" {
		out = os.Stderr
	}
	s, err := server.New(server.Config{
		DataDir: dir, BindAddress: "127.0.0.1", HTTPSPort: etcdtest.FreePort(t),
		EtcdClientPort: etcdtest.FreePort(t), EtcdPeerPort: etcdtest.FreePort(t), DisableAgent: true, DisableControllers: opts.NoControllers,
		Version: version.Info(), Log: slog.New(slog.NewTextHandler(out, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			t.Log("servertest: server did not stop within 20s")
		}
	})
	select {
	case <-s.Ready():
	case err := <-done:
		t.Fatalf("server stopped before ready: %v", err)
	case <-time.After(60 * time.Second):
		t.Fatal("server not ready after 60s")
	}
	cfg, err := s.RESTConfig()
	if err != nil {
		t.Fatal(err)
	}
	cfg.QPS, cfg.Burst = 1000, 2000
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &Server{Server: s, Config: cfg, Client: cs, DataDir: dir}
}

// Kubeconfig returns the path of the admin kubeconfig.
func (s *Server) Kubeconfig() string { return filepath.Join(s.DataDir, "kubeconfig.yaml") }
