package server_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"skiff/pkg/server/servertest"
)

func TestKubernetesService(t *testing.T) {
	s := servertest.StartWith(t, servertest.Options{NoControllers: true})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	svc, err := s.Client.CoreV1().Services("default").Get(ctx, "kubernetes", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if svc.Spec.ClusterIP != "10.43.0.1" || svc.Spec.Ports[0].Name != "https" || svc.Spec.Ports[0].Port != 443 {
		t.Fatalf("kubernetes service: %+v", svc.Spec)
	}
	port := svc.Spec.Ports[0].TargetPort.IntValue()
	if want := s.URL(); want != fmt.Sprintf("https://127.0.0.1:%d", port) {
		t.Errorf("targetPort %d, server at %s", port, want)
	}
	ep, err := s.Client.CoreV1().Endpoints("default").Get(ctx, "kubernetes", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ep.Subsets) != 1 || ep.Subsets[0].Addresses[0].IP != "127.0.0.1" || int(ep.Subsets[0].Ports[0].Port) != port {
		t.Errorf("endpoints: %+v", ep.Subsets)
	}
	sl, err := s.Client.DiscoveryV1().EndpointSlices("default").Get(ctx, "kubernetes", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if sl.Labels["kubernetes.io/service-name"] != "kubernetes" || sl.Labels["endpointslice.kubernetes.io/managed-by"] != "skiff-apiserver" ||
		len(sl.Endpoints) != 1 || sl.Endpoints[0].Addresses[0] != "127.0.0.1" || int(*sl.Ports[0].Port) != port {
		t.Errorf("endpointslice: %+v", sl)
	}
}

// TestNodeIPAMWired checks that the controller manager gives Nodes pod CIDRs from the default
// cluster CIDR.
func TestNodeIPAMWired(t *testing.T) {
	s := servertest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := s.Client.CoreV1().Nodes().Create(ctx, &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "n1"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	for {
		n, err := s.Client.CoreV1().Nodes().Get(ctx, "n1", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if n.Spec.PodCIDR != "" {
			if n.Spec.PodCIDR != "10.42.0.0/24" {
				t.Fatalf("podCIDR %s", n.Spec.PodCIDR)
			}
			return
		}
		select {
		case <-ctx.Done():
			t.Fatal("no pod CIDR after 30s")
		case <-time.After(50 * time.Millisecond):
		}
	}
}
