package proxy

import (
	"testing"
	"time"

	v1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

func TestGateOpen(t *testing.T) {
	now := time.Unix(1000, 0)
	pod := &v1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "web-1", UID: "u1"}, Status: v1.PodStatus{PodIP: "10.42.0.7"}}
	endpoint := func(ready bool, ref *v1.ObjectReference, ip string) *discoveryv1.EndpointSlice {
		return &discoveryv1.EndpointSlice{ObjectMeta: metav1.ObjectMeta{Name: "web-x", ResourceVersion: "50"},
			Endpoints: []discoveryv1.Endpoint{{Addresses: []string{ip}, TargetRef: ref, Conditions: discoveryv1.EndpointConditions{Ready: ptr.To(ready)}}}}
	}
	byUID := &v1.ObjectReference{Kind: "Pod", Name: "web-1", UID: "u1"}
	other := &v1.ObjectReference{Kind: "Pod", Name: "web-2", UID: "u2"}
	live := func(node string, rv uint64) proxyLease {
		return proxyLease{node: node, applied: rv, expires: now.Add(time.Second)}
	}
	ready := map[string]bool{"a": true, "b": true, "down": false}
	tests := []struct {
		name   string
		slices []*discoveryv1.EndpointSlice
		leases []proxyLease
		open   bool
	}{
		{"in no slice", nil, []proxyLease{live("a", 1)}, true},
		{"other pod's endpoint", []*discoveryv1.EndpointSlice{endpoint(true, other, "10.42.0.8")}, []proxyLease{live("a", 1)}, true},
		{"still ready", []*discoveryv1.EndpointSlice{endpoint(true, byUID, "10.42.0.7")}, []proxyLease{live("a", 99)}, false},
		{"not ready, all applied", []*discoveryv1.EndpointSlice{endpoint(false, byUID, "10.42.0.7")}, []proxyLease{live("a", 50), live("b", 60)}, true},
		{"not ready, one proxy behind", []*discoveryv1.EndpointSlice{endpoint(false, byUID, "10.42.0.7")}, []proxyLease{live("a", 50), live("b", 49)}, false},
		{"behind but expired", []*discoveryv1.EndpointSlice{endpoint(false, byUID, "10.42.0.7")},
			[]proxyLease{live("a", 50), {node: "b", applied: 1, expires: now}}, true},
		{"behind but node not ready", []*discoveryv1.EndpointSlice{endpoint(false, byUID, "10.42.0.7")}, []proxyLease{live("down", 1)}, true},
		{"matched by address without targetRef", []*discoveryv1.EndpointSlice{endpoint(true, nil, "10.42.0.7")}, nil, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			open, why := gateOpen(gateInput{pod: pod, slices: tc.slices, leases: tc.leases, readyNodes: ready, now: now})
			if open != tc.open {
				t.Errorf("open = %v (%s), want %v", open, why, tc.open)
			}
		})
	}
}
