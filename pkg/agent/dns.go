package agent

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"strconv"
	"time"

	v1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"

	"skiff/pkg/dns"
)

// Cluster DNS names shared with the server, which creates the kube-dns Service.
const (
	dnsNamespace = "kube-system"
	dnsService   = "kube-dns"
	dnsManagedBy = "skiff-agent"
)

// DNSConfig configures the node-local cluster DNS server every agent runs. Pods reach it
// through the kube-dns Service (ClusterDNS, internalTrafficPolicy Local): the agent publishes
// the EndpointSlice kube-dns-<node> pointing at its own server once that server listens.
type DNSConfig struct {
	// ClusterDNS is the kube-dns Service IP, the nameserver of ClusterFirst pods (default
	// 10.43.0.10).
	ClusterDNS string
	// ClusterDomain is the cluster's DNS domain (default cluster.local).
	ClusterDomain string
	// Bind is where the server listens, UDP and TCP on one port (default <node-ip>:53;
	// tests use 127.0.0.1:0).
	Bind string
	// ResolvConf is the host resolver file names outside the cluster go to (default
	// /etc/resolv.conf).
	ResolvConf string
}

// withDefaults fills the unset fields of c for a node with IP nodeIP.
func (c DNSConfig) withDefaults(nodeIP string) DNSConfig {
	if c.ClusterDNS == "" {
		c.ClusterDNS = "10.43.0.10"
	}
	if c.ClusterDomain == "" {
		c.ClusterDomain = "cluster.local"
	}
	if c.Bind == "" {
		c.Bind = net.JoinHostPort(nodeIP, "53")
	}
	return c
}

// runDNS runs the node-local cluster DNS until ctx ends, restarting it (after 5 s, doubling
// to 1 min) when it fails: a node whose DNS cannot listen still runs its pods. It returns nil.
func (a *Agent) runDNS(ctx context.Context, client kubernetes.Interface) error {
	log := a.log.With("component", "dns")
	delay := 5 * time.Second
	for {
		err := a.serveDNS(ctx, client, log)
		if ctx.Err() != nil {
			return nil
		}
		log.Error("cluster DNS stopped; restarting", "err", err, "in", delay)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(delay):
		}
		delay = min(2*delay, time.Minute)
	}
}

// serveDNS runs one DNS server and, while it listens, keeps this node's kube-dns
// EndpointSlice in place. It blocks until ctx ends or the server fails.
func (a *Agent) serveDNS(ctx context.Context, client kubernetes.Interface, log *slog.Logger) error {
	cfg := a.cfg.DNS
	s, err := dns.New(dns.Config{Client: client, Domain: cfg.ClusterDomain, Addr: cfg.Bind, ResolvConf: cfg.ResolvConf, Log: a.cfg.Log})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	select {
	case <-s.Ready():
	case err := <-done:
		return err
	}
	_, portStr, _ := net.SplitHostPort(s.Addr().String())
	port, _ := strconv.Atoi(portStr)
	go a.publishDNSEndpoint(ctx, client, int32(port), log)
	return <-done
}

// publishDNSEndpoint writes this node's kube-dns EndpointSlice, then checks it again every
// 30 s (it may have been deleted or edited) until ctx ends.
func (a *Agent) publishDNSEndpoint(ctx context.Context, client kubernetes.Interface, port int32, log *slog.Logger) {
	t := time.NewTicker(30 * time.Second)
	defer t.Stop()
	for {
		if err := a.applyDNSEndpoint(ctx, client, port); err != nil && ctx.Err() == nil {
			log.Warn("publish kube-dns endpoint", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// applyDNSEndpoint creates or updates the EndpointSlice; it needs the Node (for the owner
// reference), which the kubelet registers.
func (a *Agent) applyDNSEndpoint(ctx context.Context, client kubernetes.Interface, port int32) error {
	node, err := client.CoreV1().Nodes().Get(ctx, a.cfg.NodeName, metav1.GetOptions{})
	if err != nil {
		return fmt.Errorf("get node: %w", err)
	}
	want, err := dnsEndpointSlice(node, a.cfg.NodeIP, port)
	if err != nil {
		return err
	}
	slices := client.DiscoveryV1().EndpointSlices(dnsNamespace)
	cur, err := slices.Get(ctx, want.Name, metav1.GetOptions{})
	switch {
	case apierrors.IsNotFound(err):
		_, err = slices.Create(ctx, want, metav1.CreateOptions{FieldManager: dnsManagedBy})
		return err
	case err != nil:
		return err
	case sameEndpointSlice(cur, want):
		return nil
	}
	upd := cur.DeepCopy()
	upd.Labels, upd.OwnerReferences = want.Labels, want.OwnerReferences
	upd.AddressType, upd.Endpoints, upd.Ports = want.AddressType, want.Endpoints, want.Ports
	_, err = slices.Update(ctx, upd, metav1.UpdateOptions{FieldManager: dnsManagedBy})
	return err
}

// dnsEndpointSlice is node's kube-dns EndpointSlice: one ready endpoint, the node IP, on
// port (ports dns/UDP and dns-tcp/TCP), owned by the Node so that it goes away with it.
func dnsEndpointSlice(node *v1.Node, nodeIP string, port int32) (*discoveryv1.EndpointSlice, error) {
	ip, err := netip.ParseAddr(nodeIP)
	if err != nil {
		return nil, fmt.Errorf("node IP %q: %w", nodeIP, err)
	}
	addrType := discoveryv1.AddressTypeIPv4
	if ip.Is6() {
		addrType = discoveryv1.AddressTypeIPv6
	}
	return &discoveryv1.EndpointSlice{
		ObjectMeta: metav1.ObjectMeta{
			Name: dnsService + "-" + node.Name, Namespace: dnsNamespace,
			Labels: map[string]string{discoveryv1.LabelServiceName: dnsService, discoveryv1.LabelManagedBy: dnsManagedBy},
			OwnerReferences: []metav1.OwnerReference{{
				APIVersion: "v1", Kind: "Node", Name: node.Name, UID: node.UID,
			}},
		},
		AddressType: addrType,
		Endpoints: []discoveryv1.Endpoint{{
			Addresses: []string{ip.String()}, NodeName: ptr.To(node.Name),
			Conditions: discoveryv1.EndpointConditions{Ready: ptr.To(true), Serving: ptr.To(true), Terminating: ptr.To(false)},
		}},
		Ports: []discoveryv1.EndpointPort{
			{Name: ptr.To("dns"), Protocol: ptr.To(v1.ProtocolUDP), Port: ptr.To(port)},
			{Name: ptr.To("dns-tcp"), Protocol: ptr.To(v1.ProtocolTCP), Port: ptr.To(port)},
		},
	}, nil
}

// sameEndpointSlice reports whether cur already holds what want sets.
func sameEndpointSlice(cur, want *discoveryv1.EndpointSlice) bool {
	return equality.Semantic.DeepEqual(cur.Labels, want.Labels) &&
		equality.Semantic.DeepEqual(cur.OwnerReferences, want.OwnerReferences) &&
		cur.AddressType == want.AddressType &&
		equality.Semantic.DeepEqual(cur.Endpoints, want.Endpoints) &&
		equality.Semantic.DeepEqual(cur.Ports, want.Ports)
}
