package server

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"
)

func fakeProc(t *testing.T, busyTicks int) string {
	t.Helper()
	dir := t.TempDir()
	// user nice system idle iowait irq softirq steal: busy = user+nice+system+irq+softirq+steal
	stat := "cpu  " + itoa(busyTicks) + " 0 0 5000 300 0 0 0 0 0\ncpu0 1 2 3 4\n"
	meminfo := "MemTotal:       1000 kB\nMemFree:         200 kB\nMemAvailable:    600 kB\n"
	os.WriteFile(filepath.Join(dir, "stat"), []byte(stat), 0o644)
	os.WriteFile(filepath.Join(dir, "meminfo"), []byte(meminfo), 0o644)
	return dir
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func u64(n uint64) *runtimeapi.UInt64Value { return &runtimeapi.UInt64Value{Value: n} }

func containerStat(id, pod, uid, name string, cpu, mem uint64) *runtimeapi.ContainerStats {
	return &runtimeapi.ContainerStats{
		Attributes: &runtimeapi.ContainerAttributes{Id: id, Metadata: &runtimeapi.ContainerMetadata{Name: name},
			Labels: map[string]string{"io.kubernetes.pod.name": pod, "io.kubernetes.pod.namespace": "default", "io.kubernetes.pod.uid": uid}},
		Cpu:    &runtimeapi.CpuUsage{UsageNanoCores: u64(cpu), UsageCoreNanoSeconds: u64(cpu * 10)},
		Memory: &runtimeapi.MemoryUsage{WorkingSetBytes: u64(mem), UsageBytes: u64(mem + 1)},
	}
}

func TestStatsSummary(t *testing.T) {
	h := newHost()
	started := time.Now().Add(-time.Minute)
	h.runtime.stats = []*runtimeapi.ContainerStats{
		containerStat("c1", "web", "uid-1", "app", 100, 1000),
		containerStat("c2", "web", "uid-1", "sidecar", 50, 500),
		containerStat("c3", "old", "uid-2", "app", 7, 7), // not running: left out
	}
	h.runtime.listed = []*runtimeapi.Container{{Id: "c1", CreatedAt: started.UnixNano()}, {Id: "c2", CreatedAt: started.UnixNano()}}
	s := newTestServer(t, h, fakeProc(t, 1000))
	var sum Summary
	if err := json.Unmarshal(get(t, s, "/stats/summary").Body.Bytes(), &sum); err != nil {
		t.Fatal(err)
	}
	n := sum.Node
	if n.NodeName != "node-1" || n.CPU == nil || *n.CPU.UsageCoreNanoSeconds != 1000*1e7 || n.CPU.UsageNanoCores != nil {
		t.Errorf("node cpu %+v (first sample has no rate)", n.CPU)
	}
	if n.Memory == nil || *n.Memory.AvailableBytes != 600*1024 || *n.Memory.WorkingSetBytes != 400*1024 || *n.Memory.UsageBytes != 800*1024 {
		t.Errorf("node memory %+v", n.Memory)
	}
	if len(sum.Pods) != 1 || sum.Pods[0].PodRef.Name != "web" || len(sum.Pods[0].Containers) != 2 {
		t.Fatalf("pods %+v", sum.Pods)
	}
	p := sum.Pods[0]
	if *p.CPU.UsageNanoCores != 150 || *p.Memory.WorkingSetBytes != 1500 || p.Containers[0].Name != "app" {
		t.Errorf("pod totals cpu %d memory %d, containers %v", *p.CPU.UsageNanoCores, *p.Memory.WorkingSetBytes, p.Containers)
	}
}

func TestNodeCPURate(t *testing.T) {
	var n nodeCPU
	t0 := time.Unix(1000, 0)
	if _, ok := n.rate(cpuSample{at: t0, busy: 1e9}); ok {
		t.Error("first sample must not give a rate")
	}
	got, ok := n.rate(cpuSample{at: t0.Add(2 * time.Second), busy: 2e9})
	if !ok || got != 5e8 {
		t.Errorf("rate = %d, %v; want half a core", got, ok)
	}
}
