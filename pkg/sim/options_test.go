package sim

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

func TestParseLabels(t *testing.T) {
	cases := []struct {
		in      string
		want    map[string]string
		wantErr bool
	}{
		{"", map[string]string{}, false},
		{"a=b", map[string]string{"a": "b"}, false},
		{"a=b, zone=eu-1 ,empty=", map[string]string{"a": "b", "zone": "eu-1", "empty": ""}, false},
		{"example.com/role=db", map[string]string{"example.com/role": "db"}, false},
		{"novalue", nil, true},
		{"bad key=x", nil, true},
		{"k=bad value", nil, true},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseLabels(tc.in)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tc.wantErr)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseTaints(t *testing.T) {
	cases := []struct {
		in      string
		want    []corev1.Taint
		wantErr bool
	}{
		{"", nil, false},
		{"dedicated=sim:NoSchedule", []corev1.Taint{{Key: "dedicated", Value: "sim", Effect: corev1.TaintEffectNoSchedule}}, false},
		{"a:NoExecute,b=c:PreferNoSchedule", []corev1.Taint{
			{Key: "a", Effect: corev1.TaintEffectNoExecute},
			{Key: "b", Value: "c", Effect: corev1.TaintEffectPreferNoSchedule},
		}, false},
		{"a=b", nil, true},
		{"a=b:Sometimes", nil, true},
		{"=b:NoSchedule", nil, true},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseTaints(tc.in)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tc.wantErr)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseCapacity(t *testing.T) {
	cases := []struct {
		name                 string
		cpu, memory, storage string
		pods                 int
		want                 map[corev1.ResourceName]string
		wantErr              bool
	}{
		{"defaults", "8", "32Gi", "", 110, map[corev1.ResourceName]string{"cpu": "8", "memory": "32Gi", "pods": "110"}, false},
		{"storage", "500m", "1Gi", "100Gi", 10, map[corev1.ResourceName]string{"cpu": "500m", "memory": "1Gi", "pods": "10", "ephemeral-storage": "100Gi"}, false},
		{"bad cpu", "x", "1Gi", "", 10, nil, true},
		{"zero memory", "1", "0", "", 10, nil, true},
		{"no pods", "1", "1Gi", "", 0, nil, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseCapacity(tc.cpu, tc.memory, tc.pods, tc.storage)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tc.wantErr)
			}
			if tc.wantErr {
				return
			}
			gotS := map[corev1.ResourceName]string{}
			for k, q := range got {
				gotS[k] = q.String()
			}
			if diff := cmp.Diff(tc.want, gotS); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestConfigDefaults(t *testing.T) {
	cases := []struct {
		name    string
		cfg     Config
		wantErr bool
	}{
		{"ok", Config{Nodes: 1}, false},
		{"no nodes", Config{}, true},
		{"too many", Config{Nodes: MaxNodes + 1}, true},
		{"no pods capacity", Config{Nodes: 1, Capacity: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("1")}}, true},
		{"negative delay", Config{Nodes: 1, TerminationDelay: -1}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.cfg.withDefaults()
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tc.wantErr)
			}
			if err == nil && (got.NamePrefix != DefaultNamePrefix || got.HeartbeatInterval != DefaultHeartbeatInterval ||
				got.LeaseDuration != DefaultLeaseDuration || got.Workers != DefaultWorkers || got.Clock == nil) {
				t.Errorf("defaults not applied: %+v", got)
			}
		})
	}
}
