package printers

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	discoveryv1 "k8s.io/api/discovery/v1"
)

func TestEndpointSliceCells(t *testing.T) {
	tests := []struct {
		name      string
		ports     []discoveryv1.EndpointPort
		endpoints []discoveryv1.Endpoint
		wantPorts string
		wantEPs   string
	}{
		{"empty", nil, nil, "<unset>", "<unset>"},
		{"ports and addresses",
			[]discoveryv1.EndpointPort{{Port: ptr(int32(80))}, {Name: ptr("metrics")}, {}},
			[]discoveryv1.Endpoint{{Addresses: []string{"10.42.0.5"}}, {Addresses: []string{"10.42.1.6"}}},
			"80,metrics,*", "10.42.0.5,10.42.1.6"},
		{"more than three",
			[]discoveryv1.EndpointPort{{Port: ptr(int32(80))}, {Port: ptr(int32(443))}, {Port: ptr(int32(8080))}, {Port: ptr(int32(9090))}},
			[]discoveryv1.Endpoint{{Addresses: []string{"10.42.0.5", "10.42.0.6"}}, {Addresses: []string{"10.42.1.6", "10.42.1.7", "10.42.1.8"}}},
			"80,443,8080 + 1 more...", "10.42.0.5,10.42.0.6,10.42.1.6 + 2 more..."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			slice := &discoveryv1.EndpointSlice{ObjectMeta: objMeta("web-abcde", 6*time.Minute),
				AddressType: discoveryv1.AddressTypeIPv4, Ports: tc.ports, Endpoints: tc.endpoints}
			want := []any{"web-abcde", "IPv4", tc.wantPorts, tc.wantEPs, "6m"}
			if diff := cmp.Diff(want, rowCells(t, slice)); diff != "" {
				t.Errorf("cells (-want +got):\n%s", diff)
			}
		})
	}
}
