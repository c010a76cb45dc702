package endpoints

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"skiff/pkg/controller/podendpoint"
	ept "skiff/pkg/controller/podendpoint/podendpointtest"
)

func addr(i int, host string) corev1.EndpointAddress {
	p := ept.Pod(i)
	return corev1.EndpointAddress{IP: p.Status.PodIP, Hostname: host, NodeName: ptr.To("n1"),
		TargetRef: &corev1.ObjectReference{Kind: "Pod", Namespace: "ns", Name: p.Name, UID: p.UID}}
}

func httpPort(n int32) []corev1.EndpointPort {
	return []corev1.EndpointPort{{Name: "http", Port: n, Protocol: corev1.ProtocolTCP}}
}

// endpointsOf is what the controller computes for svc over pods.
func endpointsOf(svc *corev1.Service, pods ...*corev1.Pod) []corev1.EndpointSubset {
	ss, _ := subsets(podendpoint.List(svc, pods, svc.Spec.PublishNotReadyAddresses), MaxAddresses)
	return ss
}

func TestSubsets(t *testing.T) {
	publish := func(s *corev1.Service) { s.Spec.PublishNotReadyAddresses = true }
	headless := func(s *corev1.Service) { s.Spec.ClusterIP, s.Spec.Ports = corev1.ClusterIPNone, nil }
	sub := func(p *corev1.Pod) { p.Spec.Hostname, p.Spec.Subdomain = "h", "web" }
	tests := []struct {
		name string
		svc  *corev1.Service
		pods []*corev1.Pod
		want []corev1.EndpointSubset
	}{
		{"ready and not ready", ept.Service(), []*corev1.Pod{ept.Pod(1, ept.Unready), ept.Pod(0)},
			[]corev1.EndpointSubset{{Addresses: []corev1.EndpointAddress{addr(0, "")}, NotReadyAddresses: []corev1.EndpointAddress{addr(1, "")}, Ports: httpPort(8080)}}},
		{"terminating left out", ept.Service(), []*corev1.Pod{ept.Pod(0), ept.Pod(1, ept.Terminating)},
			[]corev1.EndpointSubset{{Addresses: []corev1.EndpointAddress{addr(0, "")}, Ports: httpPort(8080)}}},
		{"publishNotReady: unready and terminating are addresses", ept.Service(publish), []*corev1.Pod{ept.Pod(0, ept.Unready), ept.Pod(1, ept.Terminating)},
			[]corev1.EndpointSubset{{Addresses: []corev1.EndpointAddress{addr(0, ""), addr(1, "")}, Ports: httpPort(8080)}}},
		{"named port with two numbers: two subsets", ept.Service(), []*corev1.Pod{ept.Pod(0), ept.Pod(1, ept.Port(9000))},
			[]corev1.EndpointSubset{
				{Addresses: []corev1.EndpointAddress{addr(0, "")}, Ports: httpPort(8080)},
				{Addresses: []corev1.EndpointAddress{addr(1, "")}, Ports: httpPort(9000)}}},
		{"headless without ports, hostname", ept.Service(headless), []*corev1.Pod{ept.Pod(0, sub)},
			[]corev1.EndpointSubset{{Addresses: []corev1.EndpointAddress{addr(0, "h")}}}},
		{"no pods", ept.Service(), nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, endpointsOf(tt.svc, tt.pods...)); diff != "" {
				t.Errorf("subsets (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSubsetsTruncate(t *testing.T) {
	var pods []*corev1.Pod
	for i := range 5 {
		if i%2 == 0 {
			pods = append(pods, ept.Pod(i, ept.Unready))
		} else {
			pods = append(pods, ept.Pod(i))
		}
	}
	ss, cut := subsets(podendpoint.List(ept.Service(), pods, false), 3)
	if !cut || len(ss) != 1 || len(ss[0].Addresses) != 2 || len(ss[0].NotReadyAddresses) != 1 {
		t.Errorf("subsets = %+v, cut %v; want both ready and one not-ready, cut", ss, cut)
	}
}

func TestDesired(t *testing.T) {
	svc := ept.Service(func(s *corev1.Service) {
		s.CreationTimestamp = metav1.NewTime(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	})
	eps := podendpoint.List(svc, []*corev1.Pod{ept.Pod(0)}, false)
	first := desired(svc, nil, eps)
	if first == nil || first.Name != "web" || first.Labels["team"] != "a" || first.Annotations[corev1.EndpointsLastChangeTriggerTime] != "2026-01-01T00:00:00Z" {
		t.Fatalf("desired = %+v", first)
	}
	if again := desired(svc, first, eps); again != nil {
		t.Errorf("unchanged endpoints rewritten: %+v", again)
	}
	headless := ept.Service(func(s *corev1.Service) { s.Spec.ClusterIP = corev1.ClusterIPNone })
	if next := desired(headless, first, eps); next == nil || next.Labels[headlessLabel] != "" || len(next.Labels) != 2 {
		t.Errorf("headless: %+v", next)
	}
	if next := desired(svc, first, nil); next == nil || len(next.Subsets) != 0 || first.Subsets == nil {
		t.Errorf("emptied: %+v (and first must stay untouched)", next)
	}
}

func TestSameSubsets(t *testing.T) {
	base := func() []corev1.EndpointSubset {
		return []corev1.EndpointSubset{{Addresses: []corev1.EndpointAddress{addr(0, "")}, NotReadyAddresses: []corev1.EndpointAddress{addr(1, "h")}, Ports: httpPort(8080)}}
	}
	edits := map[string]func(ss []corev1.EndpointSubset){
		"ip":          func(ss []corev1.EndpointSubset) { ss[0].Addresses[0].IP = "10.0.0.1" },
		"hostname":    func(ss []corev1.EndpointSubset) { ss[0].NotReadyAddresses[0].Hostname = "" },
		"node":        func(ss []corev1.EndpointSubset) { ss[0].Addresses[0].NodeName = nil },
		"target uid":  func(ss []corev1.EndpointSubset) { ss[0].Addresses[0].TargetRef.UID = "other" },
		"port":        func(ss []corev1.EndpointSubset) { ss[0].Ports[0].Port = 1 },
		"appProtocol": func(ss []corev1.EndpointSubset) { ss[0].Ports[0].AppProtocol = ptr.To("h2c") },
		"moved": func(ss []corev1.EndpointSubset) {
			ss[0].Addresses, ss[0].NotReadyAddresses = ss[0].NotReadyAddresses, ss[0].Addresses
		},
	}
	if !sameSubsets(base(), base()) || !sameSubsets(nil, []corev1.EndpointSubset{}) {
		t.Error("equal subsets differ")
	}
	for name, edit := range edits {
		ss := base()
		edit(ss)
		if sameSubsets(base(), ss) {
			t.Errorf("%s: change not seen", name)
		}
	}
}
