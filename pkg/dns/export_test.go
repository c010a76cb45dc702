package dns

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"
)

// RunTestServer runs a Server with cfg (silent unless cfg.Log is set) until the test ends,
// and returns it once Ready. Shared by the in-package and the API-server tests.
func RunTestServer(t testing.TB, cfg Config) *Server {
	t.Helper()
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	select {
	case <-s.Ready():
	case err := <-done:
		t.Fatalf("Run: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("dns server not ready")
	}
	return s
}
