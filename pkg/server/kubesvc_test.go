package server

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
)

func TestMergeEndpoints(t *testing.T) {
	a, b := apiEndpoint{ip: "10.0.0.1", port: 6443}, apiEndpoint{ip: "10.0.0.2", port: 6443}
	e, changed := mergeEndpoints(nil, a)
	if !changed || len(e.Subsets) != 1 || e.Subsets[0].Addresses[0].IP != "10.0.0.1" || e.Subsets[0].Ports[0].Name != "https" ||
		e.Labels[discoveryv1.LabelSkipMirror] != "true" {
		t.Fatalf("first: %+v %v", e.Subsets, changed)
	}
	if _, changed := mergeEndpoints(e, a); changed {
		t.Error("adding the same address changed the endpoints")
	}
	e2, changed := mergeEndpoints(e, b)
	if !changed || len(e2.Subsets) != 1 || len(e2.Subsets[0].Addresses) != 2 || len(e.Subsets[0].Addresses) != 1 {
		t.Fatalf("second server: %+v (input modified: %v)", e2.Subsets, len(e.Subsets[0].Addresses) != 1)
	}
	e3, _ := mergeEndpoints(e2, apiEndpoint{ip: "10.0.0.1", port: 7443})
	if len(e3.Subsets) != 2 {
		t.Errorf("other port: %+v", e3.Subsets)
	}
}

func TestMergeSlice(t *testing.T) {
	a, b := apiEndpoint{ip: "10.0.0.1", port: 6443}, apiEndpoint{ip: "10.0.0.2", port: 6443}
	s, changed := mergeSlice(nil, a)
	if !changed || s.AddressType != discoveryv1.AddressTypeIPv4 || len(s.Endpoints) != 1 || !*s.Endpoints[0].Conditions.Ready ||
		s.Labels[discoveryv1.LabelServiceName] != "kubernetes" || s.Labels[discoveryv1.LabelManagedBy] != ManagedByAPIServer || *s.Ports[0].Port != 6443 {
		t.Fatalf("first: %+v", s)
	}
	if _, changed := mergeSlice(s, a); changed {
		t.Error("same endpoint changed the slice")
	}
	s2, changed := mergeSlice(s, b)
	if !changed || len(s2.Endpoints) != 2 || len(s.Endpoints) != 1 {
		t.Fatalf("second server: %+v", s2.Endpoints)
	}
	s3, changed := mergeSlice(s2, apiEndpoint{ip: "10.0.0.1", port: 7443})
	if !changed || len(s3.Endpoints) != 1 || *s3.Ports[0].Port != 7443 {
		t.Errorf("port change keeps stale endpoints: %+v", s3)
	}
	s.Labels[discoveryv1.LabelManagedBy] = "endpointslice-controller.k8s.io"
	if s4, changed := mergeSlice(s, a); !changed || s4.Labels[discoveryv1.LabelManagedBy] != ManagedByAPIServer {
		t.Errorf("managed-by not repaired: %v", s4.Labels)
	}
}

func TestWantKubernetesService(t *testing.T) {
	s := wantKubernetesService("10.43.0.1", 6443)
	p := s.Spec.Ports[0]
	if s.Namespace != "default" || s.Spec.ClusterIP != "10.43.0.1" || p.Name != "https" || p.Port != 443 || p.TargetPort.IntVal != 6443 || p.Protocol != corev1.ProtocolTCP || s.Spec.Selector != nil {
		t.Fatalf("%+v", s)
	}
}
