package framework_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"

	"skiff/pkg/scheduler/framework"
	ft "skiff/pkg/scheduler/framework/frameworktest"
)

func TestPodRequests(t *testing.T) {
	const mi = 1024 * 1024
	tests := []struct {
		name        string
		pod         *corev1.Pod
		want        framework.Resource
		wantNonZero framework.Resource
	}{
		{
			name:        "no requests",
			pod:         ft.MakePod("p").Obj(),
			wantNonZero: framework.Resource{MilliCPU: 100, Memory: 200 * mi},
		},
		{
			name:        "containers summed",
			pod:         ft.MakePod("p").Req("cpu", "100m", "memory", "1Mi").Container("cpu", "200m").Obj(),
			want:        framework.Resource{MilliCPU: 300, Memory: mi},
			wantNonZero: framework.Resource{MilliCPU: 300, Memory: 201 * mi},
		},
		{
			name:        "init container larger than containers wins",
			pod:         ft.MakePod("p").Req("cpu", "100m").Init(false, "cpu", "1").Obj(),
			want:        framework.Resource{MilliCPU: 1000},
			wantNonZero: framework.Resource{MilliCPU: 1000, Memory: 200 * mi},
		},
		{
			name:        "sidecar adds to containers",
			pod:         ft.MakePod("p").Req("cpu", "100m").Init(true, "cpu", "50m").Obj(),
			want:        framework.Resource{MilliCPU: 150},
			wantNonZero: framework.Resource{MilliCPU: 150, Memory: 400 * mi},
		},
		{
			name:        "init after sidecar includes the sidecar",
			pod:         ft.MakePod("p").Req("cpu", "100m").Init(true, "cpu", "50m").Init(false, "cpu", "500m").Obj(),
			want:        framework.Resource{MilliCPU: 550},
			wantNonZero: framework.Resource{MilliCPU: 550, Memory: 400 * mi},
		},
		{
			name:        "overhead and extended resources",
			pod:         ft.MakePod("p").Req("cpu", "1", "example.com/gpu", "2", "ephemeral-storage", "1Mi").Overhead("cpu", "10m", "memory", "1Mi").Obj(),
			want:        framework.Resource{MilliCPU: 1010, Memory: mi, EphemeralStorage: mi, Scalar: map[corev1.ResourceName]int64{"example.com/gpu": 2}},
			wantNonZero: framework.Resource{MilliCPU: 1010, Memory: 201 * mi, EphemeralStorage: mi, Scalar: map[corev1.ResourceName]int64{"example.com/gpu": 2}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, framework.PodRequests(tt.pod)); diff != "" {
				t.Errorf("PodRequests (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantNonZero, framework.PodNonZeroRequests(tt.pod)); diff != "" {
				t.Errorf("PodNonZeroRequests (-want +got):\n%s", diff)
			}
		})
	}
}

func TestHostPortsConflicts(t *testing.T) {
	used := framework.HostPorts{}
	used.Add(framework.HostPort{IP: "10.0.0.1", Protocol: corev1.ProtocolTCP, Port: 80})
	used.Add(framework.HostPort{IP: "0.0.0.0", Protocol: corev1.ProtocolUDP, Port: 53})
	tests := []struct {
		name string
		p    framework.HostPort
		want bool
	}{
		{"same ip and port", framework.HostPort{IP: "10.0.0.1", Protocol: "TCP", Port: 80}, true},
		{"other ip", framework.HostPort{IP: "10.0.0.2", Protocol: "TCP", Port: 80}, false},
		{"wildcard asks", framework.HostPort{IP: "0.0.0.0", Protocol: "TCP", Port: 80}, true},
		{"wildcard used", framework.HostPort{IP: "10.0.0.9", Protocol: "UDP", Port: 53}, true},
		{"other protocol", framework.HostPort{IP: "10.0.0.1", Protocol: "UDP", Port: 80}, false},
		{"other port", framework.HostPort{IP: "10.0.0.1", Protocol: "TCP", Port: 81}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := used.Conflicts(tt.p); got != tt.want {
				t.Errorf("Conflicts(%v) = %v, want %v", tt.p, got, tt.want)
			}
		})
	}
}
