package join

import (
	"net"
	"os"
	"strings"
)

// DefaultNodeName is the host name, lower-cased (node names are DNS subdomains).
func DefaultNodeName() string {
	h, err := os.Hostname()
	if err != nil || h == "" {
		return "localhost"
	}
	return strings.ToLower(h)
}

// DefaultNodeIP is the source address of the default route (no packet is sent), else the
// first non-loopback IPv4 address, else 127.0.0.1.
func DefaultNodeIP() string {
	if c, err := net.Dial("udp", "192.0.2.1:9"); err == nil { // TEST-NET-1: only picks a route
		defer c.Close()
		if a, ok := c.LocalAddr().(*net.UDPAddr); ok && !a.IP.IsLoopback() {
			return a.IP.String()
		}
	}
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && n.IP.To4() != nil && !n.IP.IsLoopback() {
			return n.IP.String()
		}
	}
	return "127.0.0.1"
}
