package server_test

import (
	"context"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"skiff/pkg/server/servertest"
)

// TestKubeDNSService checks the bootstrap kube-dns Service: --cluster-dns's default IP, DNS
// ports, no selector, internal traffic policy Local.
func TestKubeDNSService(t *testing.T) {
	if testing.Short() {
		t.Skip("starts etcd and the API server")
	}
	srv := servertest.StartWith(t, servertest.Options{NoControllers: true})
	svc, err := srv.Client.CoreV1().Services("kube-system").Get(context.Background(), "kube-dns", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if svc.Spec.ClusterIP != "10.43.0.10" || svc.Labels["k8s-app"] != "kube-dns" || len(svc.Spec.Selector) != 0 ||
		svc.Spec.InternalTrafficPolicy == nil || *svc.Spec.InternalTrafficPolicy != corev1.ServiceInternalTrafficPolicyLocal {
		t.Errorf("kube-dns = %+v", svc)
	}
	if len(svc.Spec.Ports) != 2 || svc.Spec.Ports[0].Name != "dns" || svc.Spec.Ports[0].Protocol != corev1.ProtocolUDP ||
		svc.Spec.Ports[1].Name != "dns-tcp" || svc.Spec.Ports[1].Protocol != corev1.ProtocolTCP || svc.Spec.Ports[1].Port != 53 {
		t.Errorf("ports = %+v", svc.Spec.Ports)
	}
}
