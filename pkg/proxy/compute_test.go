package proxy

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	v1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
)

func svc(name string, mutate ...func(*v1.Service)) *v1.Service {
	s := &v1.Service{
		ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: name},
		Spec: v1.ServiceSpec{
			Type: v1.ServiceTypeClusterIP, ClusterIP: "10.43.0.10", ClusterIPs: []string{"10.43.0.10"},
			Ports: []v1.ServicePort{{Name: "http", Protocol: v1.ProtocolTCP, Port: 80, TargetPort: intstr.FromString("web")}},
		},
	}
	for _, m := range mutate {
		m(s)
	}
	return s
}

type ep struct {
	ip, node                    string
	ready, serving, terminating bool
}

func slice(svcName string, port int32, eps ...ep) *discoveryv1.EndpointSlice {
	s := &discoveryv1.EndpointSlice{
		ObjectMeta:  metav1.ObjectMeta{Namespace: "default", Name: svcName + "-abc", Labels: map[string]string{discoveryv1.LabelServiceName: svcName}},
		AddressType: discoveryv1.AddressTypeIPv4,
		Ports:       []discoveryv1.EndpointPort{{Name: ptr.To("http"), Protocol: ptr.To(v1.ProtocolTCP), Port: ptr.To(port)}},
	}
	for _, e := range eps {
		s.Endpoints = append(s.Endpoints, discoveryv1.Endpoint{
			Addresses: []string{e.ip}, NodeName: ptr.To(e.node),
			Conditions: discoveryv1.EndpointConditions{Ready: ptr.To(e.ready), Serving: ptr.To(e.serving), Terminating: ptr.To(e.terminating)},
		})
	}
	return s
}

var (
	readyA   = ep{"10.42.0.2", "node-a", true, true, false}
	readyB   = ep{"10.42.1.2", "node-b", true, true, false}
	drainA   = ep{"10.42.0.3", "node-a", false, true, true}
	deadB    = ep{"10.42.1.3", "node-b", false, false, true}
	notReady = ep{"10.42.0.4", "node-a", false, false, false}
)

func eps(list ...string) []Endpoint {
	var out []Endpoint
	for _, ip := range list {
		out = append(out, Endpoint{IP: ip, Port: 8080})
	}
	return out
}

func TestCompute(t *testing.T) {
	base := ServicePort{Name: "default/web:http", Protocol: "tcp", ClusterIP: "10.43.0.10", Port: 80}
	with := func(m func(*ServicePort)) []ServicePort {
		sp := base
		m(&sp)
		return []ServicePort{sp}
	}
	tests := []struct {
		name   string
		svc    *v1.Service
		slices []*discoveryv1.EndpointSlice
		want   []ServicePort
	}{
		{"cluster IP, only ready endpoints serve", svc("web"), []*discoveryv1.EndpointSlice{slice("web", 8080, readyA, readyB, drainA, notReady)},
			with(func(s *ServicePort) { s.Internal = eps("10.42.0.2", "10.42.1.2") })},
		{"none ready: serving terminating ones do", svc("web"), []*discoveryv1.EndpointSlice{slice("web", 8080, drainA, deadB, notReady)},
			with(func(s *ServicePort) { s.Internal = eps("10.42.0.3") })},
		{"no usable endpoint: reject", svc("web"), []*discoveryv1.EndpointSlice{slice("web", 8080, deadB, notReady)},
			with(func(s *ServicePort) { s.Reject = true })},
		{"no slice: reject", svc("web"), nil, with(func(s *ServicePort) { s.Reject = true })},
		{"headless: no rules", svc("web", func(s *v1.Service) { s.Spec.ClusterIP, s.Spec.ClusterIPs = "None", []string{"None"} }),
			[]*discoveryv1.EndpointSlice{slice("web", 8080, readyA)}, nil},
		{"ExternalName: no rules", svc("web", func(s *v1.Service) {
			s.Spec.Type = v1.ServiceTypeExternalName
			s.Spec.ClusterIP, s.Spec.ClusterIPs = "", nil
		}), nil, nil},
		{"nodeport and external IPs", svc("web", func(s *v1.Service) {
			s.Spec.Type, s.Spec.Ports[0].NodePort, s.Spec.ExternalIPs = v1.ServiceTypeNodePort, 30080, []string{"192.168.1.50", "fd00::1"}
		}), []*discoveryv1.EndpointSlice{slice("web", 8080, readyA, readyB)},
			with(func(s *ServicePort) {
				s.NodePort, s.ExternalIPs = 30080, []string{"192.168.1.50"}
				s.Internal, s.External = eps("10.42.0.2", "10.42.1.2"), eps("10.42.0.2", "10.42.1.2")
			})},
		{"externalTrafficPolicy Local", svc("web", func(s *v1.Service) {
			s.Spec.Type, s.Spec.Ports[0].NodePort, s.Spec.ExternalTrafficPolicy = v1.ServiceTypeNodePort, 30080, v1.ServiceExternalTrafficPolicyLocal
		}), []*discoveryv1.EndpointSlice{slice("web", 8080, readyA, readyB)},
			with(func(s *ServicePort) {
				s.NodePort, s.ExternalLocal = 30080, true
				s.Internal, s.External = eps("10.42.0.2", "10.42.1.2"), eps("10.42.0.2")
			})},
		{"internalTrafficPolicy Local, none local", svc("web", func(s *v1.Service) { s.Spec.InternalTrafficPolicy = ptr.To(v1.ServiceInternalTrafficPolicyLocal) }),
			[]*discoveryv1.EndpointSlice{slice("web", 8080, readyB)}, with(func(*ServicePort) {})},
		{"internalTrafficPolicy Local falls back to local terminating", svc("web", func(s *v1.Service) { s.Spec.InternalTrafficPolicy = ptr.To(v1.ServiceInternalTrafficPolicyLocal) }),
			[]*discoveryv1.EndpointSlice{slice("web", 8080, readyB, drainA)}, with(func(s *ServicePort) { s.Internal = eps("10.42.0.3") })},
		{"ClientIP affinity with timeout", svc("web", func(s *v1.Service) {
			s.Spec.SessionAffinity = v1.ServiceAffinityClientIP
			s.Spec.SessionAffinityConfig = &v1.SessionAffinityConfig{ClientIP: &v1.ClientIPConfig{TimeoutSeconds: ptr.To(int32(60))}}
		}), []*discoveryv1.EndpointSlice{slice("web", 8080, readyA)},
			with(func(s *ServicePort) { s.AffinitySeconds, s.Internal = 60, eps("10.42.0.2") })},
		{"ports match by name: other names ignored", svc("web"), []*discoveryv1.EndpointSlice{func() *discoveryv1.EndpointSlice {
			s := slice("web", 8080, readyA)
			s.Ports[0].Name = ptr.To("metrics")
			return s
		}()}, with(func(s *ServicePort) { s.Reject = true })},
		{"endpoints merged across slices without duplicates", svc("web"), []*discoveryv1.EndpointSlice{slice("web", 8080, readyB), slice("web", 8080, readyA, readyB)},
			with(func(s *ServicePort) { s.Internal = eps("10.42.0.2", "10.42.1.2") })},
		{"UDP", svc("dns", func(s *v1.Service) { s.Spec.Ports[0].Protocol = v1.ProtocolUDP }), nil,
			[]ServicePort{{Name: "default/dns:http", Protocol: "udp", ClusterIP: "10.43.0.10", Port: 80, Reject: true}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Compute([]*v1.Service{tc.svc}, tc.slices, NodeInfo{Name: "node-a", ClusterCIDR: "10.42.0.0/16"})
			for i := range got.Services {
				got.Services[i].ID = "" // hashes: checked in TestComputeIDs
			}
			if diff := cmp.Diff(tc.want, got.Services); diff != "" {
				t.Errorf("-want +got:\n%s", diff)
			}
		})
	}
}

func TestComputeIDs(t *testing.T) {
	two := svc("web", func(s *v1.Service) {
		s.Spec.Ports = append(s.Spec.Ports, v1.ServicePort{Name: "dns", Protocol: v1.ProtocolUDP, Port: 53})
	})
	a := Compute([]*v1.Service{two}, nil, NodeInfo{})
	b := Compute([]*v1.Service{two}, nil, NodeInfo{})
	if len(a.Services) != 2 || a.Services[0].ID == a.Services[1].ID || a.Services[0].ID != b.Services[0].ID || len(a.Services[0].ID) != 12 {
		t.Fatalf("IDs must be stable, distinct, 12 characters: %+v", a.Services)
	}
}
