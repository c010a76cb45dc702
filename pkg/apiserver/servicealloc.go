package apiserver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"slices"
	"strconv"
	"sync"

	clientv3 "go.etcd.io/etcd/client/v3"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"skiff/pkg/ipalloc"
)

// Defaults of the Service address ranges (k3s-compatible).
const (
	DefaultServiceCIDR   = "10.43.0.0/16"
	DefaultNodePortRange = "30000-32767"
)

// serviceAllocator gives Services their cluster IPs, node ports and health check node ports.
// Allocations live in etcd (ipalloc.EtcdBackend), one key per item, owned by "namespace/name".
type serviceAllocator struct {
	ips, ports       *ipalloc.Allocator
	ipKeys, portKeys *ipalloc.EtcdBackend
	family           corev1.IPFamily
	log              *slog.Logger
	// suspects are items found held without a Service in the last repair pass, with their mod
	// revision; a later pass frees them if still so (repair.go).
	suspects map[string]int64
	repairMu sync.Mutex
}

func newServiceAllocator(client *clientv3.Client, cidr, ports string, log *slog.Logger) (*serviceAllocator, error) {
	if cidr == "" {
		cidr = DefaultServiceCIDR
	}
	if ports == "" {
		ports = DefaultNodePortRange
	}
	ipr, err := ipalloc.ParseIPRange(cidr)
	if err != nil {
		return nil, fmt.Errorf("service cluster IP range: %w", err)
	}
	pr, err := ipalloc.ParsePortRange(ports)
	if err != nil {
		return nil, fmt.Errorf("service node port range: %w", err)
	}
	a := &serviceAllocator{
		ipKeys:   &ipalloc.EtcdBackend{Client: client, Prefix: ipalloc.AllocationsPrefix + "clusterips/"},
		portKeys: &ipalloc.EtcdBackend{Client: client, Prefix: ipalloc.AllocationsPrefix + "nodeports/"},
		family:   corev1.IPv4Protocol, log: log, suspects: map[string]int64{},
	}
	if ipr.Prefix().Addr().Is6() {
		a.family = corev1.IPv6Protocol
	}
	// The first usable IP is the `kubernetes` Service's: never handed out dynamically.
	// Dynamic allocation avoids the low band, where users pick fixed addresses (10.43.0.10 for
	// the cluster DNS), as upstream.
	a.ips = ipalloc.New(ipr, a.ipKeys, ipalloc.Options{Reserved: 1, StaticBand: ipalloc.StaticBand(ipr.Size(), 16, 256)})
	a.ports = ipalloc.New(pr, a.portKeys, ipalloc.Options{StaticBand: ipalloc.StaticBand(pr.Size(), 32, 128)})
	return a, nil
}

// FirstServiceIP returns the first usable address of a service CIDR: the `kubernetes` Service's.
func FirstServiceIP(cidr string) (string, error) {
	if cidr == "" {
		cidr = DefaultServiceCIDR
	}
	r, err := ipalloc.ParseIPRange(cidr)
	if err != nil {
		return "", err
	}
	return r.Item(0), nil
}

func serviceOwner(s *corev1.Service) string { return s.Namespace + "/" + s.Name }

// needsClusterIP: every Service but ExternalName and headless ones gets a cluster IP.
func needsClusterIP(s *corev1.Service) bool {
	return s.Spec.Type != corev1.ServiceTypeExternalName && s.Spec.ClusterIP != corev1.ClusterIPNone
}

// needsNodePorts: NodePort Services, and LoadBalancer ones unless allocateLoadBalancerNodePorts is false.
func needsNodePorts(s *corev1.Service) bool {
	switch s.Spec.Type {
	case corev1.ServiceTypeNodePort:
		return true
	case corev1.ServiceTypeLoadBalancer:
		return s.Spec.AllocateLoadBalancerNodePorts == nil || *s.Spec.AllocateLoadBalancerNodePorts
	}
	return false
}

// needsHealthCheckPort: LoadBalancer Services with externalTrafficPolicy Local.
func needsHealthCheckPort(s *corev1.Service) bool {
	return s.Spec.Type == corev1.ServiceTypeLoadBalancer && s.Spec.ExternalTrafficPolicy == corev1.ServiceExternalTrafficPolicyLocal
}

// held is what a Service holds: its cluster IPs and its node ports (including the health check
// node port), as allocation items.
type held struct{ ips, ports []string }

func heldBy(s *corev1.Service) held {
	var h held
	for _, ip := range s.Spec.ClusterIPs {
		if ip != "" && ip != corev1.ClusterIPNone {
			h.ips = append(h.ips, ip)
		}
	}
	if len(s.Spec.ClusterIPs) == 0 && s.Spec.ClusterIP != "" && s.Spec.ClusterIP != corev1.ClusterIPNone {
		h.ips = append(h.ips, s.Spec.ClusterIP)
	}
	seen := map[int32]bool{}
	add := func(p int32) {
		if p != 0 && !seen[p] {
			seen[p] = true
			h.ports = append(h.ports, strconv.Itoa(int(p)))
		}
	}
	for _, p := range s.Spec.Ports {
		add(p.NodePort)
	}
	add(s.Spec.HealthCheckNodePort)
	return h
}

// minus returns the items of h that o does not hold.
func (h held) minus(o held) held {
	diff := func(a, b []string) []string {
		var out []string
		for _, x := range a {
			if !slices.Contains(b, x) {
				out = append(out, x)
			}
		}
		return out
	}
	return held{ips: diff(h.ips, o.ips), ports: diff(h.ports, o.ports)}
}

// claims records what one write claimed, to undo it when the write fails.
type claims struct {
	a           *serviceAllocator
	owner, name string
	held
}

// undo releases every claim (best effort: the repair loop frees what fails here).
func (c *claims) undo(ctx context.Context) {
	if c == nil {
		return
	}
	c.a.release(ctx, c.owner, c.held)
	c.held = held{}
}

func (a *serviceAllocator) release(ctx context.Context, owner string, h held) {
	ctx = context.WithoutCancel(ctx)
	for _, ip := range h.ips {
		if err := a.ips.Release(ctx, ip, owner); err != nil {
			a.log.Warn("release cluster IP", "ip", ip, "owner", owner, "err", err)
		}
	}
	for _, p := range h.ports {
		if err := a.ports.Release(ctx, p, owner); err != nil {
			a.log.Warn("release node port", "port", p, "owner", owner, "err", err)
		}
	}
}

// releaseAll frees everything a deleted Service held.
func (a *serviceAllocator) releaseAll(ctx context.Context, s *corev1.Service) {
	a.release(ctx, serviceOwner(s), heldBy(s))
}

// allocate fills s's missing cluster IP, node ports and health check node port, claiming them
// and any the user asked for that old (the stored Service; nil on create) does not already hold.
// On dry runs nothing is claimed: requested items are only checked and free ones proposed. On
// error, everything claimed is released.
func (a *serviceAllocator) allocate(ctx context.Context, s, old *corev1.Service, dry bool) (*claims, error) {
	setAddressDefaults(s, a.family)
	c := &claims{a: a, owner: serviceOwner(s), name: s.Name}
	var had held
	if old != nil {
		had = heldBy(old)
	}
	err := a.allocateIP(ctx, s, had, c, dry)
	if err == nil {
		err = a.allocatePorts(ctx, s, had, c, dry)
	}
	if err != nil {
		c.undo(ctx)
		return nil, err
	}
	return c, nil
}

// setAddressDefaults sets ipFamilies and mirrors clusterIP and clusterIPs, as upstream does.
func setAddressDefaults(s *corev1.Service, family corev1.IPFamily) {
	sp := &s.Spec
	if sp.Type == corev1.ServiceTypeExternalName {
		return
	}
	if sp.ClusterIP == "" && len(sp.ClusterIPs) > 0 {
		sp.ClusterIP = sp.ClusterIPs[0]
	}
	if sp.ClusterIP != "" && len(sp.ClusterIPs) == 0 {
		sp.ClusterIPs = []string{sp.ClusterIP}
	}
	if len(sp.IPFamilies) == 0 {
		sp.IPFamilies = []corev1.IPFamily{family}
	}
}

func (a *serviceAllocator) allocateIP(ctx context.Context, s *corev1.Service, had held, c *claims, dry bool) error {
	if !needsClusterIP(s) {
		return nil
	}
	ip := s.Spec.ClusterIP
	switch {
	case ip != "" && slices.Contains(had.ips, ip):
		return nil
	case ip != "" && dry:
		return ipError(s.Name, ip, a.ips.Check(ctx, ip), a.ips.Range())
	case ip != "":
		if err := a.ips.Allocate(ctx, ip, c.owner); err != nil {
			return ipError(s.Name, ip, err, a.ips.Range())
		}
	case dry:
		next, err := a.ips.Next(ctx)
		if err != nil {
			return ipError(s.Name, "", err, a.ips.Range())
		}
		ip = next
	default:
		next, err := a.ips.AllocateNext(ctx, c.owner)
		if err != nil {
			return ipError(s.Name, "", err, a.ips.Range())
		}
		ip = next
	}
	if !dry {
		c.ips = append(c.ips, ip)
	}
	s.Spec.ClusterIP, s.Spec.ClusterIPs = ip, []string{ip}
	return nil
}

// allocatePorts gives every port a node port when the type needs them (ports with the same
// port number share one, as upstream), and the health check node port when needed.
func (a *serviceAllocator) allocatePorts(ctx context.Context, s *corev1.Service, had held, c *claims, dry bool) error {
	byPort := map[int32]int32{}
	if needsNodePorts(s) {
		for i := range s.Spec.Ports {
			p := &s.Spec.Ports[i]
			if p.NodePort == 0 {
				p.NodePort = byPort[p.Port]
			}
			path := field.NewPath("spec", "ports").Index(i).Child("nodePort")
			n, err := a.port(ctx, p.NodePort, had, c, dry, path)
			if err != nil {
				return err
			}
			p.NodePort, byPort[p.Port] = n, n
		}
	}
	if needsHealthCheckPort(s) {
		n, err := a.port(ctx, s.Spec.HealthCheckNodePort, had, c, dry, field.NewPath("spec", "healthCheckNodePort"))
		if err != nil {
			return err
		}
		s.Spec.HealthCheckNodePort = n
	}
	return nil
}

// port claims the requested node port (0: any free one) unless the Service holds it already.
func (a *serviceAllocator) port(ctx context.Context, want int32, had held, c *claims, dry bool, path *field.Path) (int32, error) {
	item := strconv.Itoa(int(want))
	if want != 0 && (slices.Contains(had.ports, item) || slices.Contains(c.ports, item)) {
		return want, nil
	}
	var err error
	switch {
	case want != 0 && dry:
		err = a.ports.Check(ctx, item)
	case want != 0:
		err = a.ports.Allocate(ctx, item, c.owner)
	case dry:
		item, err = a.ports.Next(ctx)
	default:
		item, err = a.ports.AllocateNext(ctx, c.owner)
	}
	if err != nil {
		return 0, portError(c.name, path, want, err, a.ports.Range())
	}
	if !dry {
		c.ports = append(c.ports, item)
	}
	n, _ := strconv.Atoi(item)
	return int32(n), nil
}

var serviceGK = schema.GroupKind{Kind: "Service"}

// ipError turns an allocator error about ip ("" when any IP was wanted) into an API error.
func ipError(name, ip string, err error, r ipalloc.Range) error {
	path := field.NewPath("spec", "clusterIPs")
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ipalloc.ErrAllocated):
		return invalidService(name, field.Invalid(path, ip, "provided IP is already allocated"))
	case errors.Is(err, ipalloc.ErrNotInRange):
		if _, perr := netip.ParseAddr(ip); perr != nil {
			return invalidService(name, field.Invalid(path, ip, "must be a valid IP address"))
		}
		return invalidService(name, field.Invalid(path, ip, "provided IP is not in the valid range. The range of valid IPs is "+r.String()))
	case errors.Is(err, ipalloc.ErrFull):
		return apierrors.NewInternalError(fmt.Errorf("failed to allocate a serviceIP: range is full"))
	}
	return apierrors.NewInternalError(fmt.Errorf("allocate cluster IP: %w", err))
}

func portError(name string, path *field.Path, port int32, err error, r ipalloc.Range) error {
	switch {
	case errors.Is(err, ipalloc.ErrAllocated):
		return invalidService(name, field.Invalid(path, port, "provided port is already allocated"))
	case errors.Is(err, ipalloc.ErrNotInRange):
		return invalidService(name, field.Invalid(path, port, "provided port is not in the valid range. The range of valid ports is "+r.String()))
	case errors.Is(err, ipalloc.ErrFull):
		return apierrors.NewInternalError(fmt.Errorf("failed to allocate a nodePort: range is full"))
	}
	return apierrors.NewInternalError(fmt.Errorf("allocate node port: %w", err))
}

func invalidService(name string, e *field.Error) error {
	return apierrors.NewInvalid(serviceGK, name, field.ErrorList{e})
}

// allocate gives a Service being created (old nil) or updated from old its addresses; other
// kinds pass. The returned claims (nil for other kinds) are undone if the write fails.
func (c *call) allocate(obj, old runtime.Object, dry bool) (*claims, error) {
	svc, ok := obj.(*corev1.Service)
	if !ok {
		return nil, nil
	}
	oldSvc, _ := old.(*corev1.Service)
	return c.s.svcAlloc.allocate(c.r.Context(), svc, oldSvc, dry)
}

// releaseFreed frees what a Service held before an update (prev) and no longer holds (out).
func (c *call) releaseFreed(prev, out runtime.Object) {
	p, ok1 := prev.(*corev1.Service)
	o, ok2 := out.(*corev1.Service)
	if !ok1 || !ok2 || p.ResourceVersion == o.ResourceVersion {
		return
	}
	c.s.svcAlloc.release(c.r.Context(), serviceOwner(p), heldBy(p).minus(heldBy(o)))
}

// deleted frees the addresses of a Service that was just deleted (obj nil: nothing was).
func (c *call) deleted(obj runtime.Object) {
	if svc, ok := obj.(*corev1.Service); ok && svc != nil {
		c.s.svcAlloc.releaseAll(c.r.Context(), svc)
	}
}
