package printers

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

func TestServiceCells(t *testing.T) {
	svc := func(typ corev1.ServiceType, mutate func(*corev1.Service)) *corev1.Service {
		s := &corev1.Service{
			ObjectMeta: objMeta("web", 4*time.Hour),
			Spec: corev1.ServiceSpec{
				Type: typ, ClusterIP: "10.43.0.15", ClusterIPs: []string{"10.43.0.15"},
				Selector: map[string]string{"app": "web", "tier": "front"},
				Ports:    []corev1.ServicePort{{Name: "http", Port: 80, Protocol: corev1.ProtocolTCP}},
			},
		}
		if mutate != nil {
			mutate(s)
		}
		return s
	}
	tests := []struct {
		name string
		svc  *corev1.Service
		want []any
	}{
		{"cluster IP", svc(corev1.ServiceTypeClusterIP, nil),
			[]any{"web", "ClusterIP", "10.43.0.15", "<none>", "80/TCP", "4h", "app=web,tier=front"}},
		{"node port with several ports", svc(corev1.ServiceTypeNodePort, func(s *corev1.Service) {
			s.Spec.Ports = []corev1.ServicePort{
				{Name: "http", Port: 80, NodePort: 30080, Protocol: corev1.ProtocolTCP},
				{Name: "https", Port: 443, NodePort: 30443, Protocol: corev1.ProtocolTCP},
				{Name: "dns", Port: 53, NodePort: 30053, Protocol: corev1.ProtocolUDP},
			}
			s.Spec.ExternalIPs = []string{"198.51.100.1", "198.51.100.2"}
		}), []any{"web", "NodePort", "10.43.0.15", "198.51.100.1,198.51.100.2", "80:30080/TCP,443:30443/TCP,53:30053/UDP", "4h", "app=web,tier=front"}},
		{"headless without selector", svc(corev1.ServiceTypeClusterIP, func(s *corev1.Service) {
			s.Spec.ClusterIP, s.Spec.ClusterIPs, s.Spec.Selector, s.Spec.Ports = "None", []string{"None"}, nil, nil
		}), []any{"web", "ClusterIP", "None", "<none>", "<none>", "4h", "<none>"}},
		{"load balancer pending", svc(corev1.ServiceTypeLoadBalancer, nil),
			[]any{"web", "LoadBalancer", "10.43.0.15", "<pending>", "80/TCP", "4h", "app=web,tier=front"}},
		{"load balancer with ingress", svc(corev1.ServiceTypeLoadBalancer, func(s *corev1.Service) {
			s.Status.LoadBalancer.Ingress = []corev1.LoadBalancerIngress{{IP: "203.0.113.9"}, {Hostname: "lb.example.com"}, {IP: "203.0.113.2"}, {IP: "203.0.113.9"}}
			s.Spec.ExternalIPs = []string{"198.51.100.1"}
		}), []any{"web", "LoadBalancer", "10.43.0.15", "203.0.113.2,203.0.113.9,lb.example.com,198.51.100.1", "80/TCP", "4h", "app=web,tier=front"}},
		{"external name", svc(corev1.ServiceTypeExternalName, func(s *corev1.Service) {
			s.Spec.ClusterIP, s.Spec.ClusterIPs, s.Spec.ExternalName, s.Spec.Ports = "", nil, "db.example.com", nil
		}), []any{"web", "ExternalName", "<none>", "db.example.com", "<none>", "4h", "app=web,tier=front"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, rowCells(t, tc.svc)); diff != "" {
				t.Errorf("cells (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEndpointsCells(t *testing.T) {
	addrs := func(ips ...string) []corev1.EndpointAddress {
		var out []corev1.EndpointAddress
		for _, ip := range ips {
			out = append(out, corev1.EndpointAddress{IP: ip})
		}
		return out
	}
	tests := []struct {
		name string
		ep   *corev1.Endpoints
		want string
	}{
		{"no subsets", &corev1.Endpoints{}, "<none>"},
		{"one port", &corev1.Endpoints{Subsets: []corev1.EndpointSubset{{
			Addresses: addrs("10.42.0.5", "10.42.1.6"), Ports: []corev1.EndpointPort{{Port: 8080}},
		}}}, "10.42.0.5:8080,10.42.1.6:8080"},
		{"ipv6 and headless subset", &corev1.Endpoints{Subsets: []corev1.EndpointSubset{
			{Addresses: addrs("fd00::5"), Ports: []corev1.EndpointPort{{Port: 80}}},
			{Addresses: addrs("10.42.0.9")},
		}}, "[fd00::5]:80,10.42.0.9"},
		{"more than three", &corev1.Endpoints{Subsets: []corev1.EndpointSubset{{
			Addresses: addrs("10.42.0.5", "10.42.1.6", "10.42.2.7"), Ports: []corev1.EndpointPort{{Port: 80}, {Port: 443}},
		}}}, "10.42.0.5:80,10.42.1.6:80,10.42.2.7:80 + 3 more..."},
		{"only not ready addresses", &corev1.Endpoints{Subsets: []corev1.EndpointSubset{{
			NotReadyAddresses: addrs("10.42.0.5"), Ports: []corev1.EndpointPort{{Port: 80}},
		}}}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.ep.ObjectMeta = objMeta("web", time.Minute)
			want := []any{"web", tc.want, "60s"}
			if diff := cmp.Diff(want, rowCells(t, runtime.Object(tc.ep))); diff != "" {
				t.Errorf("cells (-want +got):\n%s", diff)
			}
		})
	}
}
