package main

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
)

func TestSimFlagsConfig(t *testing.T) {
	cmd := simCmd()
	args := []string{"--nodes", "3", "--cpu", "4", "--memory", "8Gi", "--pods", "20", "--labels", "zone=a",
		"--taints", "sim=yes:NoSchedule", "--heartbeat-interval", "2s", "--termination-delay", "1s"}
	if err := cmd.Flags().Parse(args); err != nil {
		t.Fatal(err)
	}
	flag := func(name string) string { return cmd.Flags().Lookup(name).Value.String() }
	o := simFlags{nodes: 3, prefix: flag("name-prefix"), cpu: flag("cpu"), memory: flag("memory"), pods: 20,
		labels: flag("labels"), taints: flag("taints"), heartbeat: 2 * time.Second, termination: time.Second}
	cfg, err := o.config()
	if err != nil {
		t.Fatal(err)
	}
	got := []string{cfg.NamePrefix, cfg.Capacity.Cpu().String(), cfg.Capacity.Memory().String(), cfg.Capacity.Pods().String(), cfg.Labels["zone"], cfg.HeartbeatInterval.String()}
	if diff := cmp.Diff([]string{"sim-", "4", "8Gi", "20", "a", "2s"}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]corev1.Taint{{Key: "sim", Value: "yes", Effect: corev1.TaintEffectNoSchedule}}, cfg.Taints); diff != "" {
		t.Errorf("taints (-want +got):\n%s", diff)
	}
	for _, bad := range []simFlags{{cpu: "x", memory: "1Gi", pods: 1}, {cpu: "1", memory: "1Gi", pods: 1, labels: "oops"}, {cpu: "1", memory: "1Gi", pods: 1, taints: "a=b"}} {
		if _, err := bad.config(); err == nil {
			t.Errorf("%+v: want error", bad)
		}
	}
}

func TestSimFlagDefaults(t *testing.T) {
	f := simCmd().Flags()
	want := map[string]string{"name-prefix": "sim-", "cpu": "8", "memory": "32Gi", "pods": "110", "lease-duration": "40s", "heartbeat-interval": "10s", "termination-delay": "0s"}
	got := map[string]string{}
	for name := range want {
		got[name] = f.Lookup(name).DefValue
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestClientRate(t *testing.T) {
	cases := []struct {
		name      string
		qps       float32
		burst     int
		nodes     int
		heartbeat time.Duration
		wantQPS   float32
		wantBurst int
	}{
		{"small fleet floor", 0, 0, 10, 10 * time.Second, 50, 100},
		{"5000 nodes", 0, 0, 5000, 10 * time.Second, 620, 1240},
		{"given", 30, 5, 5000, 10 * time.Second, 30, 5},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			qps, burst := clientRate(tc.qps, tc.burst, tc.nodes, tc.heartbeat)
			if qps != tc.wantQPS || burst != tc.wantBurst {
				t.Errorf("clientRate = %v, %d; want %v, %d", qps, burst, tc.wantQPS, tc.wantBurst)
			}
		})
	}
}
