package server

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"time"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"

	"skiff/pkg/apiserver"
)

// The `kubernetes` Service in `default` points pods at the API servers.
const (
	kubernetesService = "kubernetes"
	// ManagedByAPIServer is the endpointslice.kubernetes.io/managed-by value of the
	// `kubernetes` EndpointSlice: the EndpointSlice controller leaves it alone.
	ManagedByAPIServer = "skiff-apiserver"
	kubeSvcInterval    = 30 * time.Second
)

// apiEndpoint is one API server as the `kubernetes` Service's endpoints list it.
type apiEndpoint struct {
	ip   string
	port int32
}

// wantKubernetesService is the `kubernetes` Service: ClusterIP ip, port "https" 443 -> port.
func wantKubernetesService(ip string, port int32) *corev1.Service {
	return &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: kubernetesService, Namespace: metav1.NamespaceDefault,
			Labels: map[string]string{"component": "apiserver", "provider": "kubernetes"}},
		Spec: corev1.ServiceSpec{
			Type: corev1.ServiceTypeClusterIP, ClusterIP: ip, ClusterIPs: []string{ip},
			SessionAffinity: corev1.ServiceAffinityNone,
			Ports:           []corev1.ServicePort{{Name: "https", Port: 443, Protocol: corev1.ProtocolTCP, TargetPort: intstr.FromInt32(port)}},
		},
	}
}

// mergeEndpoints returns cur (nil: none yet) with ep's address added to the "https" subset and
// the skip-mirror label set, and whether that changed anything. Addresses of other API servers
// are kept.
func mergeEndpoints(cur *corev1.Endpoints, ep apiEndpoint) (*corev1.Endpoints, bool) {
	port := corev1.EndpointPort{Name: "https", Port: ep.port, Protocol: corev1.ProtocolTCP}
	out := &corev1.Endpoints{ObjectMeta: metav1.ObjectMeta{Name: kubernetesService, Namespace: metav1.NamespaceDefault}}
	if cur != nil {
		out = cur.DeepCopy()
	}
	// The API servers write the EndpointSlice themselves: no mirroring.
	labeled := out.Labels[discoveryv1.LabelSkipMirror] == "true"
	if !labeled {
		if out.Labels == nil {
			out.Labels = map[string]string{}
		}
		out.Labels[discoveryv1.LabelSkipMirror] = "true"
	}
	for i := range out.Subsets {
		s := &out.Subsets[i]
		if !slices.Equal(s.Ports, []corev1.EndpointPort{port}) {
			continue
		}
		if slices.ContainsFunc(s.Addresses, func(a corev1.EndpointAddress) bool { return a.IP == ep.ip }) {
			return out, !labeled
		}
		s.Addresses = append(s.Addresses, corev1.EndpointAddress{IP: ep.ip})
		return out, true
	}
	out.Subsets = append(out.Subsets, corev1.EndpointSubset{Addresses: []corev1.EndpointAddress{{IP: ep.ip}}, Ports: []corev1.EndpointPort{port}})
	return out, true
}

// mergeSlice returns cur (nil: none yet) with ep added as a ready endpoint, the labels and ports
// of the `kubernetes` EndpointSlice set, and whether that changed anything. Endpoints of other
// API servers with the same port are kept; a port change replaces them all.
func mergeSlice(cur *discoveryv1.EndpointSlice, ep apiEndpoint) (*discoveryv1.EndpointSlice, bool) {
	addrType := discoveryv1.AddressTypeIPv4
	if a, err := netip.ParseAddr(ep.ip); err == nil && a.Is6() {
		addrType = discoveryv1.AddressTypeIPv6
	}
	want := &discoveryv1.EndpointSlice{
		ObjectMeta:  metav1.ObjectMeta{Name: kubernetesService, Namespace: metav1.NamespaceDefault},
		AddressType: addrType,
		Ports:       []discoveryv1.EndpointPort{{Name: ptr.To("https"), Port: ptr.To(ep.port), Protocol: ptr.To(corev1.ProtocolTCP)}},
	}
	if cur != nil {
		want.TypeMeta, want.ObjectMeta = cur.TypeMeta, *cur.ObjectMeta.DeepCopy()
		if cur.AddressType == addrType && apiequality.Semantic.DeepEqual(cur.Ports, want.Ports) {
			want.Endpoints = slices.Clone(cur.Endpoints)
		}
	}
	if want.Labels == nil {
		want.Labels = map[string]string{}
	}
	want.Labels[discoveryv1.LabelServiceName] = kubernetesService
	want.Labels[discoveryv1.LabelManagedBy] = ManagedByAPIServer
	if !slices.ContainsFunc(want.Endpoints, func(e discoveryv1.Endpoint) bool { return slices.Contains(e.Addresses, ep.ip) }) {
		want.Endpoints = append(want.Endpoints, discoveryv1.Endpoint{Addresses: []string{ep.ip}, Conditions: discoveryv1.EndpointConditions{Ready: ptr.To(true)}})
	}
	return want, cur == nil || !apiequality.Semantic.DeepEqual(cur, want)
}

// writeKubernetesService writes the `kubernetes` Service, Endpoints and EndpointSlice, retrying
// conflicts with other API servers for up to 30 seconds.
func (s *Server) writeKubernetesService(ctx context.Context, cs kubernetes.Interface) error {
	ip, err := apiserver.FirstServiceIP(s.cfg.ServiceCIDR)
	if err != nil {
		return err
	}
	ep := apiEndpoint{ip: s.cfg.AdvertiseAddress, port: int32(s.cfg.HTTPSPort)}
	var last error
	err = wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
		last = ensureKubernetesService(ctx, cs, ip, ep)
		return last == nil, nil
	})
	if err != nil && last != nil {
		return last
	}
	return err
}

// runKubernetesService repairs the `kubernetes` Service, Endpoints and EndpointSlice every
// kubeSvcInterval until ctx ends (it returns nil then).
func (s *Server) runKubernetesService(ctx context.Context, cs kubernetes.Interface) error {
	t := time.NewTicker(kubeSvcInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		if err := s.writeKubernetesService(ctx, cs); err != nil && ctx.Err() == nil {
			s.log.Warn("kubernetes service", "err", err)
		}
	}
}

// ensureKubernetesService creates or repairs the `kubernetes` Service and adds ep to its
// Endpoints and EndpointSlice.
func ensureKubernetesService(ctx context.Context, cs kubernetes.Interface, ip string, ep apiEndpoint) error {
	return errors.Join(ensureService(ctx, cs, wantKubernetesService(ip, ep.port)), ensureEndpoints(ctx, cs, ep), ensureSlice(ctx, cs, ep))
}

func ensureService(ctx context.Context, cs kubernetes.Interface, want *corev1.Service) error {
	svcs := cs.CoreV1().Services(metav1.NamespaceDefault)
	cur, err := svcs.Get(ctx, want.Name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		_, err = svcs.Create(ctx, want, metav1.CreateOptions{FieldManager: ManagedByAPIServer})
	} else if err == nil && !apiequality.Semantic.DeepEqual(cur.Spec.Ports, want.Spec.Ports) {
		cur.Spec.Ports = want.Spec.Ports
		_, err = svcs.Update(ctx, cur, metav1.UpdateOptions{FieldManager: ManagedByAPIServer})
	}
	if err != nil {
		return fmt.Errorf("service: %w", err)
	}
	return nil
}

func ensureEndpoints(ctx context.Context, cs kubernetes.Interface, ep apiEndpoint) error {
	eps := cs.CoreV1().Endpoints(metav1.NamespaceDefault)
	cur, err := eps.Get(ctx, kubernetesService, metav1.GetOptions{})
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("endpoints: %w", err)
	}
	if err != nil {
		cur = nil
	}
	next, changed := mergeEndpoints(cur, ep)
	switch {
	case !changed:
		return nil
	case cur == nil:
		_, err = eps.Create(ctx, next, metav1.CreateOptions{FieldManager: ManagedByAPIServer})
	default:
		_, err = eps.Update(ctx, next, metav1.UpdateOptions{FieldManager: ManagedByAPIServer})
	}
	if err != nil {
		return fmt.Errorf("endpoints: %w", err)
	}
	return nil
}

func ensureSlice(ctx context.Context, cs kubernetes.Interface, ep apiEndpoint) error {
	slices := cs.DiscoveryV1().EndpointSlices(metav1.NamespaceDefault)
	cur, err := slices.Get(ctx, kubernetesService, metav1.GetOptions{})
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("endpointslice: %w", err)
	}
	if err != nil {
		cur = nil
	}
	next, changed := mergeSlice(cur, ep)
	switch {
	case !changed:
		return nil
	case cur == nil:
		_, err = slices.Create(ctx, next, metav1.CreateOptions{FieldManager: ManagedByAPIServer})
	default:
		_, err = slices.Update(ctx, next, metav1.UpdateOptions{FieldManager: ManagedByAPIServer})
	}
	if err != nil {
		return fmt.Errorf("endpointslice: %w", err)
	}
	return nil
}
