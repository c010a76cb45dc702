package printers

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

func TestNetworkingCells(t *testing.T) {
	m := objMeta("web", 12*time.Minute)
	rules := func(hosts ...string) []networkingv1.IngressRule {
		var out []networkingv1.IngressRule
		for _, h := range hosts {
			out = append(out, networkingv1.IngressRule{Host: h})
		}
		return out
	}
	tls := &networkingv1.Ingress{ObjectMeta: m, Spec: networkingv1.IngressSpec{
		IngressClassName: ptr("nginx"), Rules: rules("a.example.com", "", "b.example.com"),
		TLS: []networkingv1.IngressTLS{{Hosts: []string{"a.example.com"}}},
	}, Status: networkingv1.IngressStatus{LoadBalancer: networkingv1.IngressLoadBalancerStatus{
		Ingress: []networkingv1.IngressLoadBalancerIngress{{IP: "203.0.113.7"}, {Hostname: "lb.example.com"}},
	}}}
	tests := []struct {
		name string
		obj  runtime.Object
		want []any
	}{
		{"ingress with tls", tls, []any{"web", "nginx", "a.example.com,b.example.com", "203.0.113.7,lb.example.com", "80, 443", "12m"}},
		{"ingress catching all hosts", &networkingv1.Ingress{ObjectMeta: m, Spec: networkingv1.IngressSpec{Rules: rules("")}},
			[]any{"web", "<none>", "*", "", "80", "12m"}},
		{"ingress with many hosts", &networkingv1.Ingress{ObjectMeta: m, Spec: networkingv1.IngressSpec{Rules: rules("a", "b", "c", "d", "")}},
			[]any{"web", "<none>", "a,b,c + 2 more...", "", "80", "12m"}},
		{"ingress class", &networkingv1.IngressClass{ObjectMeta: m, Spec: networkingv1.IngressClassSpec{
			Controller: "k8s.io/ingress-nginx",
			Parameters: &networkingv1.IngressClassParametersReference{APIGroup: ptr("k8s.example.com"), Kind: "IngressParameters", Name: "external-lb"},
		}}, []any{"web", "k8s.io/ingress-nginx", "IngressParameters.k8s.example.com/external-lb", "12m"}},
		{"ingress class without parameters", &networkingv1.IngressClass{ObjectMeta: m, Spec: networkingv1.IngressClassSpec{Controller: "example.com/ic"}},
			[]any{"web", "example.com/ic", "<none>", "12m"}},
		{"network policy", &networkingv1.NetworkPolicy{ObjectMeta: m, Spec: networkingv1.NetworkPolicySpec{
			PodSelector: metav1.LabelSelector{MatchLabels: map[string]string{"role": "db"}}}},
			[]any{"web", "role=db", "12m"}},
		{"network policy for all pods", &networkingv1.NetworkPolicy{ObjectMeta: m}, []any{"web", "<none>", "12m"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, rowCells(t, tc.obj)); diff != "" {
				t.Errorf("cells (-want +got):\n%s", diff)
			}
		})
	}
}
