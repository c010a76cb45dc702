package server

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	v1 "k8s.io/api/core/v1"

	"skiff/pkg/pki"
)

func TestOnlyTheAPIServerMayCall(t *testing.T) {
	dir := t.TempDir()
	ca, err := pki.LoadOrCreateCA(dir, "test-ca")
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile, err := ca.EnsureServingCert(dir, "kubelet", []string{"127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "client-ca.crt"), ca.CertPEM(), 0o644)
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	s, err := New(Config{Host: newHost(), BindAddress: "127.0.0.1", Port: port, CertFile: certFile, KeyFile: keyFile, ClientCAFile: filepath.Join(dir, "client-ca.crt")})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	waitListening(t, "127.0.0.1:"+strconv.Itoa(port))
	other, _ := pki.LoadOrCreateCA(t.TempDir(), "other-ca")
	tests := []struct {
		name   string
		ca     *pki.CA
		user   string
		groups []string
		want   int // 0: TLS handshake fails
	}{
		{"api server", ca, APIServerUser, nil, 200},
		{"masters", ca, "admin", []string{"system:masters"}, 200},
		{"node", ca, "system:node:n1", []string{"system:nodes"}, 403},
		{"other CA", other, APIServerUser, nil, 0},
		{"no certificate", nil, "", nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := &tls.Config{RootCAs: ca.Pool()}
			if tt.ca != nil {
				c, k, _ := tt.ca.IssueClientCert(tt.user, tt.groups, time.Hour)
				pair, _ := tls.X509KeyPair(c, k)
				cfg.Certificates = []tls.Certificate{pair}
			}
			code := fetch(t, cfg, "https://127.0.0.1:"+strconv.Itoa(port)+"/healthz")
			if code != tt.want {
				t.Errorf("code %d, want %d", code, tt.want)
			}
		})
	}
}

func fetch(t *testing.T, cfg *tls.Config, url string) int {
	t.Helper()
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: cfg}, Timeout: 5 * time.Second}
	resp, err := c.Get(url)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	return resp.StatusCode
}

// waitListening waits until addr accepts TCP connections.
func waitListening(t *testing.T, addr string) {
	t.Helper()
	for i := 0; i < 100; i++ {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s not listening", addr)
}

func TestPods(t *testing.T) {
	s := newTestServer(t, newHost(), "")
	w := get(t, s, "/pods")
	var list v1.PodList
	if err := json.Unmarshal(w.Body.Bytes(), &list); err != nil || len(list.Items) != 1 || list.Items[0].Name != "web" || list.Kind != "PodList" {
		t.Errorf("/pods = %s (%v)", w.Body, err)
	}
}
