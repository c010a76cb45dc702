package containerd

import (
	"os/exec"
	"strings"
	"testing"
)

func TestRenderConfig(t *testing.T) {
	l := newLayout("/var/lib/skiff/agent")
	cfg := Config{SandboxImage: DefaultSandboxImage, CNIBinDir: DefaultCNIBinDir}
	tests := []struct {
		name string
		reg  Registries
		want []string
		not  []string
	}{
		{
			name: "required settings",
			want: []string{
				`version = 2`,
				`root = "/var/lib/skiff/agent/containerd/root"`,
				`state = "/var/lib/skiff/agent/containerd/state"`,
				`address = "/var/lib/skiff/agent/containerd/containerd.sock"`,
				`sandbox_image = "localhost/pause:3.9"`,
				`restrict_oom_score_adj = true`,
				`netns_mounts_under_state_dir = true`,
				`disable_apparmor = true`,
				`tolerate_missing_hugetlb_controller = true`,
				`snapshotter = "overlayfs"`,
				`SystemdCgroup = false`,
				`Root = "/var/lib/skiff/agent/containerd/runc"`,
				`bin_dir = "/usr/lib/cni"`,
				`conf_dir = "/var/lib/skiff/agent/cni/net.d"`,
				`config_path = "/var/lib/skiff/agent/containerd/certs.d"`,
				`stream_server_address = "127.0.0.1"`,
				`"io.containerd.snapshotter.v1.btrfs"`,
			},
			not: []string{".auth]"},
		},
		{
			name: "registry credentials go to the CRI config",
			reg: Registries{Configs: map[string]RegistryConfig{
				"reg.example:5000": {Auth: &RegistryAuth{Username: "u", Password: `p"w`}},
				"tls.example":      {TLS: &RegistryTLS{InsecureSkipVerify: true}},
			}},
			want: []string{
				`[plugins."io.containerd.grpc.v1.cri".registry.configs."reg.example:5000".auth]`,
				`username = "u"`,
				`password = "p\"w"`,
			},
			not: []string{`"tls.example"`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := renderConfig(l, cfg, tt.reg)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("config lacks %s:\n%s", w, got)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(got, n) {
					t.Errorf("config has %s:\n%s", n, got)
				}
			}
		})
	}
}

// TestRenderConfigParses has containerd itself read the generated file when it is installed.
func TestRenderConfigParses(t *testing.T) {
	if _, err := exec.LookPath("containerd"); err != nil {
		t.Skip("containerd not installed")
	}
	dir := t.TempDir()
	l := newLayout(dir)
	reg := Registries{Configs: map[string]RegistryConfig{"r:5000": {Auth: &RegistryAuth{Username: "u", Password: "p"}}}}
	writeFile(t, l.Config, renderConfig(l, Config{SandboxImage: DefaultSandboxImage, CNIBinDir: DefaultCNIBinDir}, reg))
	out, err := exec.Command("containerd", "--config", l.Config, "config", "dump").CombinedOutput()
	if err != nil {
		t.Fatalf("containerd config dump: %v\n%s", err, out)
	}
	for _, w := range []string{"restrict_oom_score_adj = true", "netns_mounts_under_state_dir = true", `username = "u"`} {
		if !strings.Contains(string(out), w) {
			t.Errorf("containerd's view of the config lacks %s", w)
		}
	}
}

func TestNew(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		wantErr string
		wantEP  string
	}{
		{name: "no data dir", wantErr: "DataDir is required"},
		{name: "socket too long", cfg: Config{DataDir: "/" + strings.Repeat("x", 90)}, wantErr: "longer than"},
		{name: "defaults", cfg: Config{DataDir: "/var/lib/skiff/agent"}, wantEP: "unix:///var/lib/skiff/agent/containerd/containerd.sock"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := New(tt.cfg)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if s.Endpoint() != tt.wantEP || s.cfg.SandboxImage != DefaultSandboxImage || s.cfg.Ctr != "ctr" {
				t.Errorf("Endpoint %s cfg %+v", s.Endpoint(), s.cfg)
			}
		})
	}
}
