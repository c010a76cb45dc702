package kubelet

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"slices"
	"strings"

	v1 "k8s.io/api/core/v1"
	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"
)

// dnsConfig is the resolver config of pod per its dnsPolicy, as upstream: ClusterFirst (and
// ClusterFirstWithHostNet) uses the cluster DNS servers with the namespace search path and
// ndots:5, falling back to the host's resolv.conf when no cluster DNS is configured (and, for
// ClusterFirst, on host networking); Default uses the host's; None only spec.dnsConfig.
// spec.dnsConfig is merged in for every policy.
func dnsConfig(pod *v1.Pod, clusterDNS []string, domain, resolvConf string) (*runtimeapi.DNSConfig, error) {
	policy := pod.Spec.DNSPolicy
	if policy == "" {
		policy = v1.DNSClusterFirst
	}
	if policy == v1.DNSClusterFirst && pod.Spec.HostNetwork || len(clusterDNS) == 0 && policy != v1.DNSNone {
		policy = v1.DNSDefault
	}
	cfg := &runtimeapi.DNSConfig{}
	switch policy {
	case v1.DNSClusterFirst, v1.DNSClusterFirstWithHostNet:
		host, err := hostDNS(resolvConf)
		if err != nil {
			return nil, err
		}
		cfg.Servers = clusterDNS
		cfg.Searches = append([]string{pod.Namespace + ".svc." + domain, "svc." + domain, domain}, host.Searches...)
		cfg.Options = []string{"ndots:5"}
	case v1.DNSDefault:
		host, err := hostDNS(resolvConf)
		if err != nil {
			return nil, err
		}
		cfg = host
	}
	mergeDNS(cfg, pod.Spec.DNSConfig)
	return cfg, nil
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

func parseResolvConf(b []byte) *runtimeapi.DNSConfig {
	cfg := &runtimeapi.DNSConfig{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		f := strings.Fields(strings.SplitN(sc.Text(), "#", 2)[0])
		if len(f) < 2 {
			continue
		}
		switch f[0] {
		case "nameserver":
			cfg.Servers = append(cfg.Servers, f[1])
		case "search", "domain":
			cfg.Searches = f[1:]
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
		cfg.Options = slices.DeleteFunc(cfg.Options, func(s string) bool { return strings.SplitN(s, ":", 2)[0] == o.Name })
		cfg.Options = append(cfg.Options, opt)
	}
}
