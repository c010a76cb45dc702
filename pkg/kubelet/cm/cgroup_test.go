package cm

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
)

// fakeRoot builds a cgroup root with cpu,cpuacct (and cpu, cpuacct symlinks), memory, cpuset,
// pids and unified; each hierarchy root holds its control files.
func fakeRoot(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	files := map[string][]string{
		"cpu,cpuacct": {"cpu.shares", "cpu.cfs_quota_us", "cpu.cfs_period_us"},
		"memory":      {"memory.limit_in_bytes"},
		"cpuset":      {"cpuset.cpus", "cpuset.mems"},
		"pids":        {"pids.max"},
		"unified":     nil,
	}
	for dir, fs := range files {
		must(t, os.Mkdir(filepath.Join(root, dir), 0o755))
		for _, f := range fs {
			must(t, os.WriteFile(filepath.Join(root, dir, f), []byte("0-3\n"), 0o644))
		}
	}
	must(t, os.Symlink("cpu,cpuacct", filepath.Join(root, "cpu")))
	must(t, os.Symlink("cpu,cpuacct", filepath.Join(root, "cpuacct")))
	return root
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

func TestManagerFakeRoot(t *testing.T) {
	root := fakeRoot(t)
	m := &Manager{Root: root}
	g := podWith(rl("cpu", "500m", "memory", "1Gi"), rl("cpu", "500m", "memory", "1Gi"))
	g.UID = "g"
	b := podWith(rl("cpu", "100m"), nil)
	b.UID = "b"
	for _, p := range []*v1.Pod{g, b, g} { // twice: idempotent
		must(t, m.EnsurePod(p))
	}
	checks := map[string]string{
		"cpu,cpuacct/kubepods/guaranteed/podg/cpu.cfs_quota_us":  "50000",
		"cpu,cpuacct/kubepods/guaranteed/podg/cpu.cfs_period_us": "100000",
		"cpu,cpuacct/kubepods/guaranteed/podg/cpu.shares":        "512",
		"memory/kubepods/guaranteed/podg/memory.limit_in_bytes":  fmt.Sprint(gi),
		"cpuset/kubepods/guaranteed/podg/cpuset.cpus":            "0-3",
		"cpuset/kubepods/cpuset.mems":                            "0-3",
		"cpu,cpuacct/kubepods/burstable/podb/cpu.shares":         "102",
	}
	for p, want := range checks {
		if got := read(t, filepath.Join(root, p)); got != want {
			t.Errorf("%s = %q, want %q", p, got, want)
		}
	}
	for _, p := range []string{"cpu,cpuacct/kubepods/burstable/podb/cpu.cfs_quota_us", "memory/kubepods/burstable/podb/memory.limit_in_bytes", "unified/kubepods", "pids/kubepods/burstable/podb/pids.max"} {
		if _, err := os.Stat(filepath.Join(root, p)); err == nil {
			t.Errorf("%s exists", p)
		}
	}
	if _, err := os.Stat(filepath.Join(root, "pids/kubepods/burstable/podb")); err != nil {
		t.Errorf("pids pod dir: %v", err)
	}
	// the runtime's container cgroups below the pod
	must(t, os.MkdirAll(filepath.Join(root, "memory/kubepods/guaranteed/podg/ctr1"), 0o755))
	uids, err := m.PodUIDs()
	must(t, err)
	if d := cmp.Diff([]types.UID{"b", "g"}, uids); d != "" {
		t.Errorf("PodUIDs (-want +got):\n%s", d)
	}
	must(t, m.RemovePod("g"))
	must(t, m.RemovePod("missing"))
	uids, err = m.PodUIDs()
	must(t, err)
	if d := cmp.Diff([]types.UID{"b"}, uids); d != "" {
		t.Errorf("PodUIDs after remove (-want +got):\n%s", d)
	}
}

// TestManagerRealCgroups runs on the host's cgroup v1 hierarchies under a unique top cgroup.
func TestManagerRealCgroups(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root")
	}
	if _, err := os.Stat("/sys/fs/cgroup/memory/memory.limit_in_bytes"); err != nil {
		t.Skip("no cgroup v1 memory hierarchy")
	}
	m := &Manager{Top: fmt.Sprintf("skiff-test-%d", time.Now().UnixNano())}
	t.Cleanup(func() {
		for _, h := range []string{"cpu", "cpuacct", "memory", "cpuset", "pids", "blkio", "devices", "freezer", "systemd"} {
			for _, q := range qosDirs {
				_ = os.Remove(filepath.Join("/sys/fs/cgroup", h, m.Top, q))
			}
			_ = os.Remove(filepath.Join("/sys/fs/cgroup", h, m.Top))
		}
	})
	pod := podWith(rl("cpu", "200m", "memory", "64Mi"), rl("cpu", "200m", "memory", "64Mi"))
	pod.UID = "real-1"
	must(t, m.EnsurePod(pod))
	must(t, m.EnsurePod(pod))
	dir := "/sys/fs/cgroup/memory/" + m.Top + "/guaranteed/podreal-1"
	if got := read(t, dir+"/memory.limit_in_bytes"); got != fmt.Sprint(64<<20) {
		t.Errorf("memory limit %s", got)
	}
	if got := read(t, "/sys/fs/cgroup/cpuset/"+m.Top+"/guaranteed/podreal-1/cpuset.cpus"); got == "" {
		t.Error("cpuset.cpus empty")
	}
	if got := read(t, "/sys/fs/cgroup/cpu/"+m.Top+"/guaranteed/podreal-1/cpu.cfs_quota_us"); got != "20000" {
		t.Errorf("cfs quota %s", got)
	}
	must(t, os.Mkdir(dir+"/child", 0o755))
	uids, err := m.PodUIDs()
	must(t, err)
	if d := cmp.Diff([]types.UID{"real-1"}, uids); d != "" {
		t.Errorf("PodUIDs (-want +got):\n%s", d)
	}
	must(t, m.RemovePod(pod.UID))
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("pod cgroup still there: %v", err)
	}
}
