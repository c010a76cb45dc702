package pki

import (
	"net"
	"net/netip"
	"os"
	"strings"
)

// DefaultHosts returns the names a server on this machine is reached by, for
// use as serving certificate SANs: localhost, 127.0.0.1, ::1, the hostname,
// every non-loopback IP of the host's interfaces, then extra (the --tls-san
// values). Blank entries are dropped, IPs are written canonically and
// duplicates removed, keeping the first occurrence. Lookup failures (no
// hostname, no interfaces) only shorten the list.
func DefaultHosts(extra []string) []string {
	hostname, _ := os.Hostname()
	addrs, _ := net.InterfaceAddrs()
	return defaultHosts(hostname, addrs, extra)
}

// defaultHosts is DefaultHosts over explicit inputs.
func defaultHosts(hostname string, addrs []net.Addr, extra []string) []string {
	hosts := []string{"localhost", "127.0.0.1", "::1", hostname}
	hosts = append(hosts, interfaceIPs(addrs)...)
	hosts = append(hosts, extra...)
	return dedupHosts(hosts)
}

// interfaceIPs returns the non-loopback, specified addresses among addrs.
func interfaceIPs(addrs []net.Addr) []string {
	var ips []string
	for _, a := range addrs {
		var ip net.IP
		switch v := a.(type) {
		case *net.IPNet:
			ip = v.IP
		case *net.IPAddr:
			ip = v.IP
		}
		if ip != nil && !ip.IsLoopback() && !ip.IsUnspecified() {
			ips = append(ips, ip.String())
		}
	}
	return ips
}

// dedupHosts trims, canonicalises IPs and drops blanks and repeats.
func dedupHosts(hosts []string) []string {
	seen := make(map[string]bool, len(hosts))
	out := make([]string, 0, len(hosts))
	for _, h := range hosts {
		h = canonicalHost(h)
		if h == "" || seen[h] {
			continue
		}
		seen[h] = true
		out = append(out, h)
	}
	return out
}

// canonicalHost trims h and writes IP addresses in their canonical form.
func canonicalHost(h string) string {
	h = strings.TrimSpace(h)
	if addr, err := netip.ParseAddr(h); err == nil {
		return addr.Unmap().String()
	}
	return h
}
