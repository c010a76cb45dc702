package server

import (
	"encoding/json"
	"net/http"
	"sort"
	"time"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"
)

// serveSummary serves GET /stats/summary: node usage from /proc, pod and container usage from
// CRI ListContainerStats, grouped by the pod labels the kubelet sets.
func (s *Server) serveSummary(w http.ResponseWriter, r *http.Request) {
	now := s.cfg.Clock.Now()
	sum := Summary{Node: s.nodeStats(now), Pods: []PodStats{}}
	resp, err := s.cfg.Host.Runtime().ListContainerStats(r.Context(), &runtimeapi.ListContainerStatsRequest{})
	if err != nil {
		http.Error(w, "container stats: "+err.Error(), http.StatusInternalServerError)
		return
	}
	sum.Pods = podStats(resp.GetStats(), s.runningContainers(r), now)
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(&sum)
}

func (s *Server) nodeStats(now time.Time) NodeStats {
	n := NodeStats{NodeName: s.cfg.NodeName, StartTime: metav1.NewTime(s.start)}
	if busy, err := readBusyCPU(s.cfg.ProcRoot); err == nil {
		n.CPU = &CPUStats{Time: metav1.NewTime(now), UsageCoreNanoSeconds: &busy}
		if rate, ok := s.stats.rate(cpuSample{at: now, busy: busy}); ok {
			n.CPU.UsageNanoCores = &rate
		}
	}
	if m, err := readMeminfo(s.cfg.ProcRoot); err == nil {
		usage, ws := m.total-m.free, m.total-m.available
		n.Memory = &MemoryStats{Time: metav1.NewTime(now), AvailableBytes: &m.available, UsageBytes: &usage, WorkingSetBytes: &ws}
	}
	return n
}

// runningContainers maps running container IDs to their start time.
func (s *Server) runningContainers(r *http.Request) map[string]time.Time {
	resp, err := s.cfg.Host.Runtime().ListContainers(r.Context(), &runtimeapi.ListContainersRequest{Filter: &runtimeapi.ContainerFilter{
		State: &runtimeapi.ContainerStateValue{State: runtimeapi.ContainerState_CONTAINER_RUNNING},
	}})
	out := map[string]time.Time{}
	if err != nil {
		return out
	}
	for _, c := range resp.GetContainers() {
		out[c.Id] = time.Unix(0, c.CreatedAt)
	}
	return out
}

// podStats groups the stats of running containers by pod, summing CPU and memory.
func podStats(stats []*runtimeapi.ContainerStats, running map[string]time.Time, now time.Time) []PodStats {
	byUID := map[string]*PodStats{}
	for _, cs := range stats {
		attrs := cs.GetAttributes()
		started, ok := running[attrs.GetId()]
		uid := attrs.GetLabels()["io.kubernetes.pod.uid"]
		if !ok || uid == "" {
			continue
		}
		p := byUID[uid]
		if p == nil {
			l := attrs.GetLabels()
			p = &PodStats{PodRef: PodReference{Name: l["io.kubernetes.pod.name"], Namespace: l["io.kubernetes.pod.namespace"], UID: uid}, StartTime: metav1.NewTime(started)}
			byUID[uid] = p
		}
		c := containerStats(cs, started, now)
		p.Containers = append(p.Containers, c)
		if started.Before(p.StartTime.Time) {
			p.StartTime = metav1.NewTime(started)
		}
		p.CPU, p.Memory = addCPU(p.CPU, c.CPU, now), addMemory(p.Memory, c.Memory, now)
	}
	out := make([]PodStats, 0, len(byUID))
	for _, p := range byUID {
		sort.Slice(p.Containers, func(i, j int) bool { return p.Containers[i].Name < p.Containers[j].Name })
		out = append(out, *p)
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].PodRef.Namespace+"/"+out[i].PodRef.Name < out[j].PodRef.Namespace+"/"+out[j].PodRef.Name
	})
	return out
}

func containerStats(cs *runtimeapi.ContainerStats, started, now time.Time) ContainerStats {
	c := ContainerStats{Name: cs.GetAttributes().GetMetadata().GetName(), StartTime: metav1.NewTime(started)}
	if c.Name == "" {
		c.Name = cs.GetAttributes().GetLabels()["io.kubernetes.container.name"]
	}
	if cpu := cs.GetCpu(); cpu != nil {
		c.CPU = &CPUStats{Time: metav1.NewTime(now), UsageNanoCores: value(cpu.GetUsageNanoCores()), UsageCoreNanoSeconds: value(cpu.GetUsageCoreNanoSeconds())}
	}
	if m := cs.GetMemory(); m != nil {
		c.Memory = &MemoryStats{Time: metav1.NewTime(now), UsageBytes: value(m.GetUsageBytes()), WorkingSetBytes: value(m.GetWorkingSetBytes()), RSSBytes: value(m.GetRssBytes())}
		if m.GetAvailableBytes().GetValue() > 0 { // only with a memory limit
			c.Memory.AvailableBytes = value(m.GetAvailableBytes())
		}
	}
	return c
}

func value(v *runtimeapi.UInt64Value) *uint64 {
	if v == nil {
		return nil
	}
	n := v.GetValue()
	return &n
}

func addCPU(a, b *CPUStats, now time.Time) *CPUStats {
	if b == nil {
		return a
	}
	if a == nil {
		a = &CPUStats{Time: metav1.NewTime(now)}
	}
	return &CPUStats{Time: a.Time, UsageNanoCores: add(a.UsageNanoCores, b.UsageNanoCores), UsageCoreNanoSeconds: add(a.UsageCoreNanoSeconds, b.UsageCoreNanoSeconds)}
}

func addMemory(a, b *MemoryStats, now time.Time) *MemoryStats {
	if b == nil {
		return a
	}
	if a == nil {
		a = &MemoryStats{Time: metav1.NewTime(now)}
	}
	return &MemoryStats{Time: a.Time, UsageBytes: add(a.UsageBytes, b.UsageBytes), WorkingSetBytes: add(a.WorkingSetBytes, b.WorkingSetBytes), RSSBytes: add(a.RSSBytes, b.RSSBytes)}
}

func add(a, b *uint64) *uint64 {
	if b == nil {
		return a
	}
	var sum uint64
	if a != nil {
		sum = *a
	}
	sum += *b
	return &sum
}

// servePods serves GET /pods: the pods this kubelet runs, as a PodList.
func (s *Server) servePods(w http.ResponseWriter, _ *http.Request) {
	list := v1.PodList{TypeMeta: metav1.TypeMeta{Kind: "PodList", APIVersion: "v1"}, Items: []v1.Pod{}}
	for _, p := range s.cfg.Host.Pods() {
		list.Items = append(list.Items, *p)
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(&list)
}
