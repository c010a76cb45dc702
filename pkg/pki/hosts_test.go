package pki

import (
	"net"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDefaultHostsFrom(t *testing.T) {
	ipnet := func(s string) net.Addr { return &net.IPNet{IP: net.ParseIP(s), Mask: net.CIDRMask(24, 32)} }
	tests := []struct {
		name     string
		hostname string
		addrs    []net.Addr
		extra    []string
		want     []string
	}{
		{
			name:     "interfaces and extras",
			hostname: "node1",
			addrs:    []net.Addr{ipnet("127.0.0.1"), ipnet("10.0.0.5"), ipnet("::1"), ipnet("fd00::5")},
			extra:    []string{"api.example", "203.0.113.9"},
			want:     []string{"localhost", "127.0.0.1", "::1", "node1", "10.0.0.5", "fd00::5", "api.example", "203.0.113.9"},
		},
		{
			name:     "duplicates and blanks dropped",
			hostname: "localhost",
			addrs:    []net.Addr{ipnet("10.0.0.5"), &net.IPAddr{IP: net.ParseIP("10.0.0.5")}},
			extra:    []string{" node1 ", "", "10.0.0.5", "0:0:0:0:0:0:0:1", "node1"},
			want:     []string{"localhost", "127.0.0.1", "::1", "10.0.0.5", "node1"},
		},
		{
			name:     "no hostname, unspecified skipped",
			hostname: "",
			addrs:    []net.Addr{ipnet("0.0.0.0")},
			want:     []string{"localhost", "127.0.0.1", "::1"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := defaultHosts(tt.hostname, tt.addrs, tt.extra)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("defaultHosts (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDefaultHostsOnThisMachine(t *testing.T) {
	got := DefaultHosts([]string{"extra.example"})
	if diff := cmp.Diff([]string{"localhost", "127.0.0.1", "::1"}, got[:3]); diff != "" {
		t.Errorf("prefix (-want +got):\n%s", diff)
	}
	if got[len(got)-1] != "extra.example" {
		t.Errorf("last = %q, want the extra SAN", got[len(got)-1])
	}
	sorted := slices.Clone(got)
	slices.Sort(sorted)
	if len(slices.Compact(sorted)) != len(got) {
		t.Errorf("duplicates in %v", got)
	}
}
