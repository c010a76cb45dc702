package proxy

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// kernelSettings are the sysctls the proxy needs in its network namespace:
//   - route_localnet lets DNATed packets from 127.0.0.1 leave loopback (NodePorts on
//     127.0.0.1, both backends; the filter chains drop martian traffic to 127/8 from outside);
//   - bridge-nf-call-iptables makes pod-to-service traffic answered by a pod on the same bridge
//     go through conntrack, so the reply is un-DNATed (absent when br_netfilter is not loaded);
//   - ip_forward routes pod and node-port traffic.
var kernelSettings = []struct {
	path     string
	optional bool
}{
	{"/proc/sys/net/ipv4/conf/all/route_localnet", false},
	{"/proc/sys/net/bridge/bridge-nf-call-iptables", true},
	{"/proc/sys/net/ipv4/ip_forward", false},
}

// PrepareKernel sets the sysctls the rules rely on (to 1) in the caller's network namespace.
func PrepareKernel() error {
	for _, s := range kernelSettings {
		err := os.WriteFile(s.path, []byte("1\n"), 0o644)
		if err != nil && !(s.optional && errors.Is(err, fs.ErrNotExist)) {
			return fmt.Errorf("sysctl %s: %w", s.path, err)
		}
	}
	return nil
}
