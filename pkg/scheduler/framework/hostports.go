package framework

import corev1 "k8s.io/api/core/v1"

// wildcardIP is the host IP that clashes with every other IP on the same port.
const wildcardIP = "0.0.0.0"

// HostPort is one host port as a pod claims it; empty IP and protocol are normalized to
// 0.0.0.0 and TCP.
type HostPort struct {
	IP       string
	Protocol corev1.Protocol
	Port     int32
}

type protoPort struct {
	protocol corev1.Protocol
	port     int32
}

// HostPorts counts the host ports in use on one node, keyed by protocol/port then IP.
type HostPorts map[protoPort]map[string]int

// PodHostPorts lists the normalized host ports the pod's containers (and init containers)
// request; ports without hostPort are skipped.
func PodHostPorts(pod *corev1.Pod) []HostPort {
	var out []HostPort
	add := func(cs []corev1.Container) {
		for i := range cs {
			for _, p := range cs[i].Ports {
				if p.HostPort > 0 {
					out = append(out, normalizeHostPort(p))
				}
			}
		}
	}
	add(pod.Spec.InitContainers)
	add(pod.Spec.Containers)
	return out
}

func normalizeHostPort(p corev1.ContainerPort) HostPort {
	hp := HostPort{IP: p.HostIP, Protocol: p.Protocol, Port: p.HostPort}
	if hp.IP == "" {
		hp.IP = wildcardIP
	}
	if hp.Protocol == "" {
		hp.Protocol = corev1.ProtocolTCP
	}
	return hp
}

// Add records one use of p.
func (h HostPorts) Add(p HostPort) {
	k := protoPort{p.Protocol, p.Port}
	if h[k] == nil {
		h[k] = map[string]int{}
	}
	h[k][p.IP]++
}

// Remove forgets one use of p.
func (h HostPorts) Remove(p HostPort) {
	k := protoPort{p.Protocol, p.Port}
	ips := h[k]
	if ips[p.IP] <= 1 {
		delete(ips, p.IP)
	} else {
		ips[p.IP]--
	}
	if len(ips) == 0 {
		delete(h, k)
	}
}

// Conflicts reports whether p clashes with a used port: same protocol and port, and the
// same IP or either side being 0.0.0.0.
func (h HostPorts) Conflicts(p HostPort) bool {
	ips := h[protoPort{p.Protocol, p.Port}]
	if len(ips) == 0 {
		return false
	}
	if p.IP == wildcardIP {
		return true
	}
	return ips[p.IP] > 0 || ips[wildcardIP] > 0
}

// Clone returns an independent copy.
func (h HostPorts) Clone() HostPorts {
	out := make(HostPorts, len(h))
	for k, ips := range h {
		c := make(map[string]int, len(ips))
		for ip, n := range ips {
			c[ip] = n
		}
		out[k] = c
	}
	return out
}
