package server

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"
)

// clusterDNSService is the kube-dns Service pods use as their nameserver: no selector (every
// agent publishes an EndpointSlice kube-dns-<node> for its node-local DNS server) and
// internalTrafficPolicy Local, so that each node's pods ask their own node's server.
func clusterDNSService(clusterIP string) *corev1.Service {
	return &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{
			Name: "kube-dns", Namespace: "kube-system",
			Labels: map[string]string{"k8s-app": "kube-dns"},
		},
		Spec: corev1.ServiceSpec{
			ClusterIP: clusterIP, ClusterIPs: []string{clusterIP},
			InternalTrafficPolicy: ptr.To(corev1.ServiceInternalTrafficPolicyLocal),
			Ports: []corev1.ServicePort{
				{Name: "dns", Protocol: corev1.ProtocolUDP, Port: 53, TargetPort: intstr.FromInt32(53)},
				{Name: "dns-tcp", Protocol: corev1.ProtocolTCP, Port: 53, TargetPort: intstr.FromInt32(53)},
			},
		},
	}
}

// createClusterDNSService creates the kube-dns Service on ClusterDNS (default 10.43.0.10)
// unless it exists; an existing one is left alone (a different IP is reported).
func (s *Server) createClusterDNSService(ctx context.Context, cs kubernetes.Interface) error {
	ip := s.cfg.ClusterDNS
	if ip == "" {
		ip = "10.43.0.10"
	}
	svc, err := cs.CoreV1().Services("kube-system").Create(ctx, clusterDNSService(ip), metav1.CreateOptions{FieldManager: "skiff-bootstrap"})
	if apierrors.IsAlreadyExists(err) {
		svc, err = cs.CoreV1().Services("kube-system").Get(ctx, "kube-dns", metav1.GetOptions{})
	}
	if err != nil {
		return fmt.Errorf("kube-dns service: %w", err)
	}
	if svc.Spec.ClusterIP != ip {
		s.log.Warn("kube-dns service has another cluster IP than --cluster-dns; pods use --cluster-dns", "clusterIP", svc.Spec.ClusterIP, "clusterDNS", ip)
	}
	return nil
}
