package agent

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestNewValidatesAndDefaults(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		wantErr string
	}{
		{"no data dir", Config{ServerURL: "https://s:6443", Token: "t"}, "data dir"},
		{"join needs server and token", Config{DataDir: "/d", ServerURL: "https://s:6443"}, "--server and --token"},
		{"join", Config{DataDir: "/d", ServerURL: "https://s:6443", Token: "t"}, ""},
		{"in-process kubeconfig", Config{DataDir: "/d", Kubeconfig: "/d/kubelet.kubeconfig"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := New(tt.cfg)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if a.cfg.NodeName == "" || a.cfg.NodeIP == "" || a.cfg.KubeletPort != 10250 {
				t.Errorf("defaults not applied: %+v", a.cfg)
			}
		})
	}
}

func TestRunFailsWhenJoinFails(t *testing.T) {
	a, err := New(Config{DataDir: t.TempDir(), ServerURL: "https://127.0.0.1:1", Token: "secret", NodeName: "n1", NodeIP: "127.0.0.1", RuntimeEndpoint: "unix:///nonexistent"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := a.Run(ctx); err == nil || !strings.Contains(err.Error(), "fetch cluster CA") {
		t.Errorf("Run = %v, want a join error", err)
	}
}
