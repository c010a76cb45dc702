// Package etcd runs an embedded single-member etcd server and keeps its history compacted.
package etcd

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"time"

	"go.etcd.io/etcd/server/v3/embed"
)

// Config configures an embedded etcd member.
type Config struct {
	// DataDir holds the member's data (created if missing).
	DataDir string
	// ClientPort and PeerPort are loopback ports for clients and peers.
	ClientPort, PeerPort int
	// LogLevel is etcd's zap level ("error" by default).
	LogLevel string
}

// Embedded is an etcd server running inside this process.
type Embedded struct {
	cfg   Config
	ready chan struct{}
}

// New validates cfg; it starts nothing.
func New(cfg Config) (*Embedded, error) {
	if cfg.DataDir == "" {
		return nil, errors.New("etcd: data dir is required")
	}
	if cfg.ClientPort <= 0 || cfg.PeerPort <= 0 {
		return nil, fmt.Errorf("etcd: invalid ports %d/%d", cfg.ClientPort, cfg.PeerPort)
	}
	if cfg.LogLevel == "" {
		cfg.LogLevel = "error"
	}
	return &Embedded{cfg: cfg, ready: make(chan struct{})}, nil
}

// Endpoints returns the client URLs of the member.
func (e *Embedded) Endpoints() []string {
	return []string{fmt.Sprintf("http://127.0.0.1:%d", e.cfg.ClientPort)}
}

// Ready is closed once the member serves clients.
func (e *Embedded) Ready() <-chan struct{} { return e.ready }

// Run starts the member, blocks until ctx ends or etcd fails, then stops it.
func (e *Embedded) Run(ctx context.Context) error {
	ec := embed.NewConfig()
	ec.Name = "skiff"
	ec.Dir = filepath.Clean(e.cfg.DataDir)
	ec.LogLevel = e.cfg.LogLevel
	ec.LogOutputs = []string{"stderr"}
	client := url.URL{Scheme: "http", Host: fmt.Sprintf("127.0.0.1:%d", e.cfg.ClientPort)}
	peer := url.URL{Scheme: "http", Host: fmt.Sprintf("127.0.0.1:%d", e.cfg.PeerPort)}
	ec.ListenClientUrls, ec.AdvertiseClientUrls = []url.URL{client}, []url.URL{client}
	ec.ListenPeerUrls, ec.AdvertisePeerUrls = []url.URL{peer}, []url.URL{peer}
	ec.InitialCluster = ec.Name + "=" + peer.String()
	ec.MaxRequestBytes = 4 << 20
	ec.QuotaBackendBytes = 8 << 30
	srv, err := embed.StartEtcd(ec)
	if err != nil {
		return fmt.Errorf("start etcd: %w", err)
	}
	defer srv.Close()
	select {
	case <-srv.Server.ReadyNotify():
		close(e.ready)
	case <-time.After(60 * time.Second):
		return errors.New("etcd: not ready after 60s")
	case <-ctx.Done():
		return nil
	}
	select {
	case err := <-srv.Err():
		return fmt.Errorf("etcd: %w", err)
	case <-ctx.Done():
		return nil
	}
}
