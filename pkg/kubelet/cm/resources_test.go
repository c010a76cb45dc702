package cm

import (
	"bufio"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/testing/protocmp"
	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"
)

func rl(kv ...string) v1.ResourceList {
	out := v1.ResourceList{}
	for i := 0; i < len(kv); i += 2 {
		out[v1.ResourceName(kv[i])] = resource.MustParse(kv[i+1])
	}
	return out
}

func podWith(req, lim v1.ResourceList) *v1.Pod {
	p := &v1.Pod{Spec: v1.PodSpec{Containers: []v1.Container{{Name: "c",
		Resources: v1.ResourceRequirements{Requests: req, Limits: lim}}}}}
	p.UID = "u-1"
	return p
}

const gi = int64(1) << 30

func TestContainerResources(t *testing.T) {
	cases := []struct {
		name     string
		req, lim v1.ResourceList
		want     *runtimeapi.LinuxContainerResources
	}{
		{"besteffort", nil, nil, &runtimeapi.LinuxContainerResources{CpuPeriod: 100000, CpuShares: 2, OomScoreAdj: 1000}},
		{"guaranteed", rl("cpu", "500m", "memory", "1Gi"), rl("cpu", "500m", "memory", "1Gi"),
			&runtimeapi.LinuxContainerResources{CpuPeriod: 100000, CpuQuota: 50000, CpuShares: 512, MemoryLimitInBytes: gi, OomScoreAdj: -997}},
		{"burstable quarter memory", rl("cpu", "250m", "memory", "1Gi"), rl("memory", "2Gi"),
			&runtimeapi.LinuxContainerResources{CpuPeriod: 100000, CpuShares: 256, MemoryLimitInBytes: 2 * gi, OomScoreAdj: 750}},
		{"limit only cpu sets shares", nil, rl("cpu", "2"),
			&runtimeapi.LinuxContainerResources{CpuPeriod: 100000, CpuQuota: 200000, CpuShares: 2048, OomScoreAdj: 999}},
		{"tiny cpu", rl("cpu", "1m"), rl("cpu", "1m", "memory", "10Mi"),
			&runtimeapi.LinuxContainerResources{CpuPeriod: 100000, CpuQuota: 1000, CpuShares: 2, MemoryLimitInBytes: 10 << 20, OomScoreAdj: 999}},
		{"huge memory request clamps to 3", rl("memory", "4Gi"), nil,
			&runtimeapi.LinuxContainerResources{CpuPeriod: 100000, CpuShares: 2, OomScoreAdj: 3}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			pod := podWith(tc.req, tc.lim)
			got := ContainerResourcesWithCapacity(pod, &pod.Spec.Containers[0], 4*gi)
			if d := cmp.Diff(tc.want, got, protocmp.Transform()); d != "" {
				t.Errorf("resources (-want +got):\n%s", d)
			}
		})
	}
}

func TestNodeCriticalOOM(t *testing.T) {
	pod := podWith(nil, nil)
	prio := int32(2000001000)
	pod.Spec.Priority, pod.Spec.PriorityClassName = &prio, "system-node-critical"
	if got := OOMScoreAdj(pod, &pod.Spec.Containers[0], gi); got != -997 {
		t.Errorf("OOMScoreAdj = %d, want -997", got)
	}
}

func TestSandboxResources(t *testing.T) {
	if got := SandboxResources(podWith(nil, nil)); got != nil {
		t.Errorf("besteffort sandbox resources = %v, want nil", got)
	}
	pod := podWith(rl("cpu", "100m", "memory", "64Mi"), rl("cpu", "200m", "memory", "128Mi"))
	pod.Spec.Containers = append(pod.Spec.Containers, pod.Spec.Containers[0])
	want := &runtimeapi.LinuxContainerResources{CpuPeriod: 100000, CpuQuota: 40000, CpuShares: 204, MemoryLimitInBytes: 256 << 20}
	if d := cmp.Diff(want, SandboxResources(pod), protocmp.Transform()); d != "" {
		t.Errorf("sandbox resources (-want +got):\n%s", d)
	}
	pod.Spec.Overhead = rl("cpu", "10m", "memory", "1Mi")
	wantO := &runtimeapi.LinuxContainerResources{CpuPeriod: 100000, CpuQuota: 1000, CpuShares: 10, MemoryLimitInBytes: 1 << 20}
	if d := cmp.Diff(wantO, SandboxOverhead(pod), protocmp.Transform()); d != "" {
		t.Errorf("overhead (-want +got):\n%s", d)
	}
}

func TestPodCgroupParent(t *testing.T) {
	cases := []struct {
		req, lim v1.ResourceList
		want     string
	}{
		{nil, nil, "/kubepods/besteffort/podu-1"},
		{rl("cpu", "1"), nil, "/kubepods/burstable/podu-1"},
		{rl("cpu", "1", "memory", "1Gi"), rl("cpu", "1", "memory", "1Gi"), "/kubepods/guaranteed/podu-1"},
	}
	for _, tc := range cases {
		if got := PodCgroupParent(podWith(tc.req, tc.lim)); got != tc.want {
			t.Errorf("PodCgroupParent = %q, want %q", got, tc.want)
		}
	}
}

func TestParseMemTotal(t *testing.T) {
	in := "MemFree: 10 kB\nMemTotal:       24731012 kB\n"
	if got := parseMemTotal(bufio.NewScanner(strings.NewReader(in))); got != 24731012*1024 {
		t.Errorf("parseMemTotal = %d", got)
	}
	if MachineMemory() <= 0 {
		t.Errorf("MachineMemory = %d", MachineMemory())
	}
}
