package containerd

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestNextDelay(t *testing.T) {
	tests := []struct{ in, want time.Duration }{
		{time.Second, 2 * time.Second},
		{8 * time.Second, 16 * time.Second},
		{16 * time.Second, 30 * time.Second},
		{30 * time.Second, 30 * time.Second},
	}
	for _, tt := range tests {
		if got := nextDelay(tt.in); got != tt.want {
			t.Errorf("nextDelay(%s) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestWithSystemPath(t *testing.T) {
	tests := []struct {
		name string
		env  []string
		want []string
	}{
		{name: "no PATH", env: []string{"A=1"}, want: []string{"A=1", "PATH=" + systemPath}},
		{name: "PATH kept first", env: []string{"PATH=/opt/bin", "B=2"}, want: []string{"B=2", "PATH=/opt/bin:" + systemPath}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, withSystemPath(tt.env)); diff != "" {
				t.Error(diff)
			}
		})
	}
}

func TestIsContainerd(t *testing.T) {
	const cfg = "/d/containerd/config.toml"
	tests := []struct {
		name    string
		cmdline string
		want    bool
	}{
		{"ours", "/usr/bin/containerd\x00--config\x00/d/containerd/config.toml\x00", true},
		{"ours with =", "containerd\x00--config=/d/containerd/config.toml\x00", true},
		{"short flag", "containerd\x00-c\x00/d/containerd/config.toml", true},
		{"other config", "containerd\x00--config\x00/etc/containerd/config.toml\x00", false},
		{"shim", "/usr/bin/containerd-shim-runc-v2\x00-namespace\x00k8s.io\x00-address\x00/d/containerd/containerd.sock\x00", false},
		{"flag last without value", "containerd\x00--config\x00", false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := isContainerd([]byte(tt.cmdline), cfg); got != tt.want {
				t.Errorf("isContainerd = %v, want %v", got, tt.want)
			}
		})
	}
}
