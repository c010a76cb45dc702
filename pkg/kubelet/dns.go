package kubelet

import (
	"bufio"
	"bytes"
	"fmt"
	"net/netip"
	"os"
	"slices"
	"strings"

	v1 "k8s.io/api/core/v1"
	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"
)

// Resolver limits, as upstream: glibc reads 3 nameservers; the search list is cut at 32
// domains and 2,048 characters.
const (
	maxDNSNameservers     = 3
	maxDNSSearchPaths     = 32
	maxDNSSearchListChars = 2048
)

// dnsConfig is the resolver config of pod per its dnsPolicy, as upstream:
//
//   - ClusterFirst (the default): the cluster DNS servers, search <ns>.svc.<domain>
//     svc.<domain> <domain> then the host's search domains, options ndots:5. It falls back to
//     Default for host-network pods and when no cluster DNS is configured.
//   - ClusterFirstWithHostNet: ClusterFirst, host network or not.
//   - Default: the host's resolv.conf. A pod with its own network namespace cannot reach the
//     host's loopback resolvers (systemd-resolved's 127.0.0.53, a local dnsmasq): those are
//     left out, and when none remain the cluster DNS servers take their place (the node-local
//     cluster DNS runs on the host and forwards to them).
//   - None: spec.dnsConfig only.
//
// spec.dnsConfig is merged in for every policy (nameservers and searches appended without
// duplicates, options replacing those of the same name), then the lists are cut to the
// resolver limits above (validation rejects pods whose own dnsConfig exceeds them).
func dnsConfig(pod *v1.Pod, clusterDNS []string, domain, resolvConf string) (*runtimeapi.DNSConfig, error) {
	policy := pod.Spec.DNSPolicy
	if policy == "" {
		policy = v1.DNSClusterFirst
	}
	if policy == v1.DNSClusterFirst && pod.Spec.HostNetwork || len(clusterDNS) == 0 && policy != v1.DNSNone {
		policy = v1.DNSDefault
	}
	cfg := &runtimeapi.DNSConfig{}
	if policy != v1.DNSNone {
		host, err := hostDNS(resolvConf)
		if err != nil {
			return nil, err
		}
		cfg = host
		if policy == v1.DNSDefault && !pod.Spec.HostNetwork {
			cfg.Servers = reachableFromPod(cfg.Servers, clusterDNS)
		}
	}
	if policy == v1.DNSClusterFirst || policy == v1.DNSClusterFirstWithHostNet {
		cfg.Servers = slices.Clone(clusterDNS)
		cfg.Searches = append([]string{pod.Namespace + ".svc." + domain, "svc." + domain, domain}, cfg.Searches...)
		cfg.Options = []string{"ndots:5"}
	}
	mergeDNS(cfg, pod.Spec.DNSConfig)
	limitDNS(cfg)
	return cfg, nil
}

// reachableFromPod drops loopback nameservers; if none remain, fallback replaces them.
func reachableFromPod(servers, fallback []string) []string {
	out := slices.DeleteFunc(slices.Clone(servers), func(s string) bool {
		a, err := netip.ParseAddr(s)
		return err == nil && a.IsLoopback()
	})
	if len(out) == 0 && len(servers) > 0 {
		return slices.Clone(fallback)
	}
	return out
}

// hostDNS parses a resolv.conf; a missing file yields an empty config.
func hostDNS(path string) (*runtimeapi.DNSConfig, error) {
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return &runtimeapi.DNSConfig{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return parseResolvConf(b), nil
}

// parseResolvConf reads nameserver, search (or domain: the last one wins, as in glibc) and
// options lines; search domains lose their trailing dot.
func parseResolvConf(b []byte) *runtimeapi.DNSConfig {
	cfg := &runtimeapi.DNSConfig{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line, _, _ := strings.Cut(sc.Text(), "#")
		line, _, _ = strings.Cut(line, ";")
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		switch f[0] {
		case "nameserver":
			cfg.Servers = append(cfg.Servers, f[1])
		case "search", "domain":
			cfg.Searches = nil
			for _, s := range f[1:] {
				if s = strings.TrimSuffix(s, "."); s != "" {
					cfg.Searches = append(cfg.Searches, s)
				}
			}
		case "options":
			cfg.Options = append(cfg.Options, f[1:]...)
		}
	}
	return cfg
}

// mergeDNS adds spec's nameservers and searches (without duplicates) and sets its options,
// replacing options of the same name.
func mergeDNS(cfg *runtimeapi.DNSConfig, spec *v1.PodDNSConfig) {
	if spec == nil {
		return
	}
	for _, s := range spec.Nameservers {
		if !slices.Contains(cfg.Servers, s) {
			cfg.Servers = append(cfg.Servers, s)
		}
	}
	for _, s := range spec.Searches {
		if !slices.Contains(cfg.Searches, s) {
			cfg.Searches = append(cfg.Searches, s)
		}
	}
	for _, o := range spec.Options {
		opt := o.Name
		if o.Value != nil {
			opt += ":" + *o.Value
		}
		cfg.Options = slices.DeleteFunc(cfg.Options, func(s string) bool {
			name, _, _ := strings.Cut(s, ":")
			return name == o.Name
		})
		cfg.Options = append(cfg.Options, opt)
	}
}

// limitDNS cuts the nameservers and the search list to what resolvers read.
func limitDNS(cfg *runtimeapi.DNSConfig) {
	if len(cfg.Servers) > maxDNSNameservers {
		cfg.Servers = cfg.Servers[:maxDNSNameservers]
	}
	chars := 0
	for i, s := range cfg.Searches {
		// The search line is the domains joined by spaces.
		if chars += len(s) + min(i, 1); i >= maxDNSSearchPaths || chars > maxDNSSearchListChars {
			cfg.Searches = cfg.Searches[:i]
			break
		}
	}
}
