package kubelet

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"
)

func TestDNSConfig(t *testing.T) {
	const hostConf = "# host\nnameserver 1.1.1.1\nsearch corp.example.\noptions edns0\n"
	const loopbackConf = "nameserver 127.0.0.53\nsearch corp.example\n"
	host := &runtimeapi.DNSConfig{Servers: []string{"1.1.1.1"}, Searches: []string{"corp.example"}, Options: []string{"edns0"}}
	cluster := []string{"10.43.0.10"}
	pod := func(policy v1.DNSPolicy, hostNet bool, cfg *v1.PodDNSConfig) *v1.Pod {
		return &v1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "ns"}, Spec: v1.PodSpec{DNSPolicy: policy, HostNetwork: hostNet, DNSConfig: cfg}}
	}
	clusterFirst := &runtimeapi.DNSConfig{Servers: cluster, Searches: []string{"ns.svc.cluster.local", "svc.cluster.local", "cluster.local", "corp.example"}, Options: []string{"ndots:5"}}
	two := "2"
	var manySearches []string
	for i := range 40 {
		manySearches = append(manySearches, fmt.Sprintf("s%02d.example", i))
	}
	long := strings.Repeat("a", 60) + ".example" // 68 characters
	var longSearches []string
	for i := range 31 {
		longSearches = append(longSearches, fmt.Sprintf("%02d%s", i, long))
	}
	tests := []struct {
		name    string
		resolv  string // host resolv.conf; "" means hostConf
		pod     *v1.Pod
		cluster []string
		want    *runtimeapi.DNSConfig
	}{
		{"ClusterFirst", "", pod(v1.DNSClusterFirst, false, nil), cluster, clusterFirst},
		{"empty policy is ClusterFirst", "", pod("", false, nil), cluster, clusterFirst},
		{"ClusterFirst without cluster DNS", "", pod(v1.DNSClusterFirst, false, nil), nil, host},
		{"ClusterFirst on host network falls back to Default", "", pod(v1.DNSClusterFirst, true, nil), cluster, host},
		{"ClusterFirstWithHostNet", "", pod(v1.DNSClusterFirstWithHostNet, true, nil), cluster, clusterFirst},
		{"ClusterFirstWithHostNet without host network", "", pod(v1.DNSClusterFirstWithHostNet, false, nil), cluster, clusterFirst},
		{"Default", "", pod(v1.DNSDefault, false, nil), cluster, host},
		{"Default: loopback resolver replaced by the cluster DNS", loopbackConf, pod(v1.DNSDefault, false, nil), cluster,
			&runtimeapi.DNSConfig{Servers: cluster, Searches: []string{"corp.example"}}},
		{"Default: loopback resolver dropped when others remain", "nameserver 127.0.0.53\nnameserver 10.0.0.2\n", pod(v1.DNSDefault, false, nil), cluster,
			&runtimeapi.DNSConfig{Servers: []string{"10.0.0.2"}}},
		{"Default on host network keeps loopback resolvers", loopbackConf, pod(v1.DNSDefault, true, nil), cluster,
			&runtimeapi.DNSConfig{Servers: []string{"127.0.0.53"}, Searches: []string{"corp.example"}}},
		{"ClusterFirst ignores loopback host resolvers", loopbackConf, pod(v1.DNSClusterFirst, false, nil), cluster,
			&runtimeapi.DNSConfig{Servers: cluster, Searches: clusterFirst.Searches, Options: []string{"ndots:5"}}},
		{"domain line, last of search/domain wins", "nameserver 1.1.1.1\nsearch a.example b.example\ndomain c.example\n", pod(v1.DNSDefault, false, nil), cluster,
			&runtimeapi.DNSConfig{Servers: []string{"1.1.1.1"}, Searches: []string{"c.example"}}},
		{"None", "", pod(v1.DNSNone, false, &v1.PodDNSConfig{Nameservers: []string{"8.8.8.8"}, Searches: []string{"a.example"}, Options: []v1.PodDNSConfigOption{{Name: "ndots", Value: &two}}}), cluster,
			&runtimeapi.DNSConfig{Servers: []string{"8.8.8.8"}, Searches: []string{"a.example"}, Options: []string{"ndots:2"}}},
		{"ClusterFirst merges dnsConfig", "", pod(v1.DNSClusterFirst, false, &v1.PodDNSConfig{
			Nameservers: []string{"10.43.0.10", "9.9.9.9"}, Searches: []string{"cluster.local", "extra.example"},
			Options: []v1.PodDNSConfigOption{{Name: "ndots", Value: &two}, {Name: "edns0"}}}), cluster,
			&runtimeapi.DNSConfig{Servers: []string{"10.43.0.10", "9.9.9.9"}, Searches: append(slices.Clone(clusterFirst.Searches), "extra.example"), Options: []string{"ndots:2", "edns0"}}},
		{"Default merges dnsConfig, options replaced by name", "", pod(v1.DNSDefault, false, &v1.PodDNSConfig{Options: []v1.PodDNSConfigOption{{Name: "edns0"}, {Name: "timeout", Value: &two}}}), cluster,
			&runtimeapi.DNSConfig{Servers: host.Servers, Searches: host.Searches, Options: []string{"edns0", "timeout:2"}}},
		{"at most 3 nameservers", "nameserver 1.1.1.1\nnameserver 1.1.1.2\n", pod(v1.DNSDefault, false, &v1.PodDNSConfig{Nameservers: []string{"2.2.2.2", "3.3.3.3"}}), cluster,
			&runtimeapi.DNSConfig{Servers: []string{"1.1.1.1", "1.1.1.2", "2.2.2.2"}}},
		{"at most 32 search domains", "nameserver 1.1.1.1\nsearch " + strings.Join(manySearches, " ") + "\n", pod(v1.DNSClusterFirst, false, nil), cluster,
			&runtimeapi.DNSConfig{Servers: cluster, Searches: append(slices.Clone(clusterFirst.Searches[:3]), manySearches[:29]...), Options: []string{"ndots:5"}}},
		{"search list at most 2048 characters", "nameserver 1.1.1.1\nsearch " + strings.Join(longSearches, " ") + "\n", pod(v1.DNSDefault, false, nil), cluster,
			&runtimeapi.DNSConfig{Servers: []string{"1.1.1.1"}, Searches: longSearches[:28]}}, // 28 x 70 characters + 27 spaces,
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resolv := filepath.Join(t.TempDir(), "resolv.conf")
			content := tt.resolv
			if content == "" {
				content = hostConf
			}
			if err := os.WriteFile(resolv, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
			got, err := dnsConfig(tt.pod, tt.cluster, "cluster.local", resolv)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want.String(), got.String()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	t.Run("missing host file", func(t *testing.T) {
		got, err := dnsConfig(pod(v1.DNSDefault, false, nil), cluster, "cluster.local", filepath.Join(t.TempDir(), "none"))
		if err != nil || len(got.Servers) != 0 {
			t.Errorf("got %v, %v", got, err)
		}
	})
}

func TestHostsFile(t *testing.T) {
	pod := &v1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "web-0", Namespace: "ns"}, Spec: v1.PodSpec{
		Hostname: "web-0", Subdomain: "web", HostAliases: []v1.HostAlias{{IP: "10.0.0.1", Hostnames: []string{"foo", "bar"}}},
	}}
	got := string(hostsFile(pod, []string{"10.42.0.7"}, "cluster.local"))
	for _, line := range []string{"127.0.0.1\tlocalhost\n", "10.42.0.7\tweb-0.web.ns.svc.cluster.local\tweb-0\n", "# Entries added by HostAliases.\n10.0.0.1\tfoo\tbar\n"} {
		if !strings.Contains(got, line) {
			t.Errorf("hosts file lacks %q:\n%s", line, got)
		}
	}
}

func TestCNIConfig(t *testing.T) {
	b, err := cniConfig("skiff0", "10.42.3.0/24", "/d/cni/networks")
	if err != nil {
		t.Fatal(err)
	}
	var conf struct {
		CNIVersion string `json:"cniVersion"`
		Plugins    []struct {
			Type   string `json:"type"`
			Bridge string `json:"bridge"`
			IPAM   struct {
				Ranges [][]struct{ Subnet string } `json:"ranges"`
			} `json:"ipam"`
		} `json:"plugins"`
	}
	if err := json.Unmarshal(b, &conf); err != nil {
		t.Fatal(err)
	}
	if conf.CNIVersion != "0.4.0" || len(conf.Plugins) != 2 || conf.Plugins[0].Bridge != "skiff0" ||
		conf.Plugins[0].IPAM.Ranges[0][0].Subnet != "10.42.3.0/24" || conf.Plugins[1].Type != "portmap" {
		t.Errorf("conflist = %s", b)
	}
}

func TestMachineParsers(t *testing.T) {
	if got, _ := meminfoBytes([]byte("MemTotal:        8000000 kB\nMemFree: 1 kB\n"), "MemTotal:"); got != 8000000*1024 {
		t.Errorf("meminfoBytes(MemTotal) = %d", got)
	}
	if got := osRelease([]byte("NAME=\"Debian\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"), "PRETTY_NAME"); got != "Debian GNU/Linux 12 (bookworm)" {
		t.Errorf("osRelease = %q", got)
	}
	f := readMachineFacts(t.TempDir())
	if f.CPUs < 1 || f.MemoryBytes <= 0 || f.StorageBytes <= 0 || f.Kernel == "" {
		t.Errorf("facts = %+v", f)
	}
}

func TestPullAuths(t *testing.T) {
	s := &v1.Secret{Type: v1.SecretTypeDockerConfigJson, Data: map[string][]byte{
		v1.DockerConfigJsonKey: []byte(`{"auths":{"https://reg.example:5000/v1/":{"auth":"dXNlcjpwYXNz"},"other.example":{"username":"x","password":"y"}}}`),
	}}
	got := dockerAuths(s, "reg.example:5000")
	if len(got) != 1 || got[0].Username != "user" || got[0].Password != "pass" {
		t.Errorf("auths = %v", got)
	}
	for image, want := range map[string]v1.PullPolicy{"busybox": v1.PullAlways, "busybox:latest": v1.PullAlways, "localhost/busybox:1.35": v1.PullIfNotPresent} {
		if got := pullPolicy(&v1.Container{Image: image}); got != want {
			t.Errorf("pullPolicy(%s) = %s, want %s", image, got, want)
		}
	}
}
