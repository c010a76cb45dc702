package proxy

import (
	"crypto/sha256"
	"encoding/base32"
	"strconv"
)

// Ruleset is the desired state of a node's service rules, independent of the backend. It is
// a value: Compute builds a new one per sync and backends never modify it.
type Ruleset struct {
	// ClusterCIDR is the pod network (e.g. 10.42.0.0/16). Traffic from it to a cluster IP is
	// not masqueraded (pods reach pods with their own IPs, across nodes through host-gw
	// routes); traffic from anywhere else is. Empty: masquerade all service traffic.
	ClusterCIDR string
	// Services holds one entry per service port with a cluster IP, sorted by ID.
	Services []ServicePort
}

// ServicePort is one port of one Service: what its VIPs and node port lead to.
type ServicePort struct {
	// ID is a stable hash of namespace, name, port name and protocol; chains are named after it.
	ID string
	// Name is "namespace/name:port" (comments only).
	Name string
	// Protocol is "tcp", "udp" or "sctp".
	Protocol    string
	ClusterIP   string
	Port        int32
	ExternalIPs []string
	// NodePort is 0 when the service has none.
	NodePort int32
	// AffinitySeconds > 0 sends a client back to the endpoint it used last (ClientIP affinity)
	// for that long.
	AffinitySeconds int32
	// Internal are the endpoints of cluster-IP traffic (internalTrafficPolicy applied).
	Internal []Endpoint
	// External are the endpoints of node-port and external-IP traffic
	// (externalTrafficPolicy applied).
	External []Endpoint
	// ExternalLocal is externalTrafficPolicy Local: external clients keep their source address
	// (no masquerade) and reach only this node's endpoints; pods and the node itself are sent
	// to the internal endpoints instead, as upstream.
	ExternalLocal bool
	// Reject is set when the service has no usable endpoint at all: new connections are
	// refused (TCP reset, ICMP port unreachable) instead of timing out.
	Reject bool
}

// Endpoint is one backend address.
type Endpoint struct {
	IP   string
	Port int32
}

// String is "ip:port".
func (e Endpoint) String() string { return e.IP + ":" + strconv.Itoa(int(e.Port)) }

// HasExternal reports whether the port is reachable other than by its cluster IP.
func (s *ServicePort) HasExternal() bool { return s.NodePort != 0 || len(s.ExternalIPs) > 0 }

// Endpoints returns the union of Internal and External, in order, without duplicates: the
// endpoint chains a backend must create.
func (s *ServicePort) Endpoints() []Endpoint {
	n := len(s.Internal) + len(s.External)
	seen := make(map[Endpoint]bool, n)
	out := make([]Endpoint, 0, n)
	for _, list := range [][]Endpoint{s.Internal, s.External} {
		for _, e := range list {
			if !seen[e] {
				seen[e] = true
				out = append(out, e)
			}
		}
	}
	return out
}

// EndpointID names the chain of endpoint e of service port s (stable, 16 characters).
func (s *ServicePort) EndpointID(e Endpoint) string { return hashID(s.ID, e.String())[:16] }

var idEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// hashID is a short, stable, chain-name-safe digest of parts.
func hashID(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return idEncoding.EncodeToString(h.Sum(nil))
}
