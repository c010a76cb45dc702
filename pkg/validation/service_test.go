package validation

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

func validService() *corev1.Service {
	return &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "default", ResourceVersion: "1"},
		Spec: corev1.ServiceSpec{Selector: map[string]string{"app": "web"},
			Ports: []corev1.ServicePort{{Name: "http", Port: 80, TargetPort: intstr.FromString("http")}}}}
}

func TestValidateService(t *testing.T) {
	runCreate(t, validService, true, []createCase[*corev1.Service]{
		{name: "valid"},
		{name: "ports required", mutate: func(s *corev1.Service) { s.Spec.Ports = nil },
			want: []string{"FieldValueRequired spec.ports"}},
		{name: "headless without ports", mutate: func(s *corev1.Service) { s.Spec.Ports, s.Spec.ClusterIP = nil, "None" }},
		{name: "external name", mutate: func(s *corev1.Service) {
			s.Spec = corev1.ServiceSpec{Type: corev1.ServiceTypeExternalName, ExternalName: "db.example.com", SessionAffinity: "None"}
		}},
		{name: "external name with bad name", mutate: func(s *corev1.Service) {
			s.Spec = corev1.ServiceSpec{Type: corev1.ServiceTypeExternalName, ExternalName: "not a host", SessionAffinity: "None"}
		}, want: []string{"FieldValueInvalid spec.externalName"}},
		{name: "bad type", mutate: func(s *corev1.Service) { s.Spec.Type = "Magic" },
			want: []string{"FieldValueNotSupported spec.type"}},
		{name: "port range and protocol", mutate: func(s *corev1.Service) {
			s.Spec.Ports[0].Port, s.Spec.Ports[0].Protocol = 0, "HTTP"
		}, want: []string{"FieldValueInvalid spec.ports[0].port", "FieldValueNotSupported spec.ports[0].protocol"}},
		{name: "names required with several ports", mutate: func(s *corev1.Service) {
			s.Spec.Ports = append(s.Spec.Ports, corev1.ServicePort{Port: 81, Protocol: "TCP", TargetPort: intstr.FromInt32(81)})
		}, want: []string{"FieldValueRequired spec.ports[1].name"}},
		{name: "duplicate names", mutate: func(s *corev1.Service) {
			s.Spec.Ports = append(s.Spec.Ports, corev1.ServicePort{Name: "http", Port: 81, Protocol: "TCP", TargetPort: intstr.FromInt32(81)})
		}, want: []string{"FieldValueDuplicate spec.ports[1].name"}},
		{name: "bad target port", mutate: func(s *corev1.Service) { s.Spec.Ports[0].TargetPort = intstr.FromString("Bad_Port") },
			want: []string{"FieldValueInvalid spec.ports[0].targetPort"}},
		{name: "node port on cluster ip", mutate: func(s *corev1.Service) { s.Spec.Ports[0].NodePort = 30080 },
			want: []string{"FieldValueForbidden spec.ports[0].nodePort"}},
		{name: "node port on NodePort", mutate: func(s *corev1.Service) {
			s.Spec.Type, s.Spec.ExternalTrafficPolicy = corev1.ServiceTypeNodePort, corev1.ServiceExternalTrafficPolicyCluster
			s.Spec.Ports[0].NodePort = 30080
		}},
		{name: "None on NodePort", mutate: func(s *corev1.Service) {
			s.Spec.Type, s.Spec.ExternalTrafficPolicy, s.Spec.ClusterIP = corev1.ServiceTypeNodePort, corev1.ServiceExternalTrafficPolicyCluster, "None"
		}, want: []string{"FieldValueInvalid spec.clusterIP"}},
		{name: "bad cluster ip", mutate: func(s *corev1.Service) { s.Spec.ClusterIP = "10.0.0.300" },
			want: []string{"FieldValueInvalid spec.clusterIP"}},
		{name: "selector labels", mutate: func(s *corev1.Service) { s.Spec.Selector = map[string]string{"app": "bad value"} },
			want: []string{"FieldValueInvalid spec.selector"}},
		{name: "session affinity", mutate: func(s *corev1.Service) { s.Spec.SessionAffinity = "Cookie" },
			want: []string{"FieldValueNotSupported spec.sessionAffinity"}},
		{name: "external traffic policy on cluster ip", mutate: func(s *corev1.Service) { s.Spec.ExternalTrafficPolicy = "Local" },
			want: []string{"FieldValueInvalid spec.externalTrafficPolicy"}},
	})
	runUpdate(t, validService, true, []updateCase[*corev1.Service]{
		{name: "cluster ip immutable", old: func(s *corev1.Service) { s.Spec.ClusterIP, s.Spec.ClusterIPs = "10.96.0.10", []string{"10.96.0.10"} },
			mutate: func(s *corev1.Service) { s.Spec.ClusterIP, s.Spec.ClusterIPs = "10.96.0.11", []string{"10.96.0.11"} },
			want:   []string{"FieldValueInvalid spec.clusterIP"}},
		{name: "to external name", old: func(s *corev1.Service) { s.Spec.ClusterIP = "10.96.0.10" },
			mutate: func(s *corev1.Service) {
				s.Spec = corev1.ServiceSpec{Type: corev1.ServiceTypeExternalName, ExternalName: "x.example.com", SessionAffinity: "None"}
			}},
		{name: "ports change", mutate: func(s *corev1.Service) { s.Spec.Ports[0].Port = 8080 }},
	})
}
