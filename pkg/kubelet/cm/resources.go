package cm

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"sync"

	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	resourcehelper "k8s.io/component-helpers/resource"
	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"

	"skiff/pkg/qos"
)

// CPU and OOM constants as upstream (pkg/kubelet/cm and pkg/kubelet/qos).
const (
	MinShares     = 2
	MaxShares     = 262144
	SharesPerCPU  = 1024
	QuotaPeriod   = 100000 // microseconds
	MinQuotaValue = 1000   // microseconds

	GuaranteedOOMScoreAdj = -997
	BestEffortOOMScoreAdj = 1000

	systemCriticalPriority = 2000000000
	nodeCriticalClass      = "system-node-critical"
)

// PodCgroupParent is the cgroupfs path of pod's cgroup, the CgroupParent of its sandbox:
// "/kubepods/<guaranteed|burstable|besteffort>/pod<uid>".
func PodCgroupParent(pod *v1.Pod) string {
	return "/" + podRelPath(defaultTop, qos.Class(pod), pod.UID)
}

// ContainerResources are the CRI Linux resources of container c of pod: cpu shares from the
// request (or the limit when no request is set), CFS quota from the limit, memory limit, and
// the OOM score adjustment of the pod's QoS class against the machine's memory.
func ContainerResources(pod *v1.Pod, c *v1.Container) *runtimeapi.LinuxContainerResources {
	return ContainerResourcesWithCapacity(pod, c, MachineMemory())
}

// ContainerResourcesWithCapacity is ContainerResources against memoryCapacity bytes.
func ContainerResourcesWithCapacity(pod *v1.Pod, c *v1.Container, memoryCapacity int64) *runtimeapi.LinuxContainerResources {
	var cpuRequest *resource.Quantity
	if q, ok := c.Resources.Requests[v1.ResourceCPU]; ok {
		cpuRequest = &q
	}
	r := linuxResources(cpuRequest, c.Resources.Limits.Cpu(), c.Resources.Limits.Memory())
	r.OomScoreAdj = OOMScoreAdj(pod, c, memoryCapacity)
	return r
}

// SandboxResources are the pod-level resources (sum of the containers' requests and limits,
// pod-level resources when set, overhead excluded) for the sandbox's LinuxPodSandboxConfig.
// It is nil for a pod that requests nothing.
func SandboxResources(pod *v1.Pod) *runtimeapi.LinuxContainerResources {
	opts := resourcehelper.PodResourcesOptions{ExcludeOverhead: true}
	req, lim := resourcehelper.PodRequests(pod, opts), resourcehelper.PodLimits(pod, opts)
	if len(req) == 0 && len(lim) == 0 {
		return nil
	}
	var cpuRequest *resource.Quantity
	if q, ok := req[v1.ResourceCPU]; ok {
		cpuRequest = &q
	}
	return linuxResources(cpuRequest, lim.Cpu(), lim.Memory())
}

// SandboxOverhead are the resources of pod.Spec.Overhead (nil without overhead), for
// LinuxPodSandboxConfig.Overhead.
func SandboxOverhead(pod *v1.Pod) *runtimeapi.LinuxContainerResources {
	o := pod.Spec.Overhead
	if len(o) == 0 {
		return nil
	}
	return linuxResources(o.Cpu(), o.Cpu(), o.Memory())
}

// linuxResources is upstream's calculateLinuxResources: a nil request defaults to the limit.
func linuxResources(cpuRequest, cpuLimit, memoryLimit *resource.Quantity) *runtimeapi.LinuxContainerResources {
	r := &runtimeapi.LinuxContainerResources{CpuPeriod: QuotaPeriod}
	if cpuRequest == nil {
		r.CpuShares = MilliCPUToShares(cpuLimit.MilliValue())
	} else {
		r.CpuShares = MilliCPUToShares(cpuRequest.MilliValue())
	}
	r.CpuQuota = MilliCPUToQuota(cpuLimit.MilliValue(), QuotaPeriod)
	r.MemoryLimitInBytes = memoryLimit.Value()
	return r
}

// MilliCPUToShares converts milli-CPUs to cgroup v1 cpu.shares, clamped to [2, 262144].
func MilliCPUToShares(milliCPU int64) int64 {
	shares := milliCPU * SharesPerCPU / 1000
	return min(max(shares, MinShares), MaxShares)
}

// MilliCPUToQuota converts a milli-CPU limit to a CFS quota for period; 0 (no limit) stays 0.
func MilliCPUToQuota(milliCPU, period int64) int64 {
	if milliCPU == 0 {
		return 0
	}
	return max(milliCPU*period/1000, MinQuotaValue)
}

// OOMScoreAdj is upstream's GetContainerOOMScoreAdjust: -997 for Guaranteed and node-critical
// pods, 1000 for BestEffort, and for Burstable 1000 - 1000*memoryRequest/memoryCapacity
// clamped to [3, 999].
func OOMScoreAdj(pod *v1.Pod, c *v1.Container, memoryCapacity int64) int64 {
	if isNodeCritical(pod) {
		return GuaranteedOOMScoreAdj
	}
	switch qos.Class(pod) {
	case v1.PodQOSGuaranteed:
		return GuaranteedOOMScoreAdj
	case v1.PodQOSBestEffort:
		return BestEffortOOMScoreAdj
	}
	if memoryCapacity <= 0 {
		return BestEffortOOMScoreAdj - 1
	}
	adj := 1000 - 1000*c.Resources.Requests.Memory().Value()/memoryCapacity
	if adj < 1000+GuaranteedOOMScoreAdj {
		return 1000 + GuaranteedOOMScoreAdj
	}
	if adj == BestEffortOOMScoreAdj {
		return adj - 1
	}
	return adj
}

func isNodeCritical(pod *v1.Pod) bool {
	p := pod.Spec.Priority
	return p != nil && *p >= systemCriticalPriority && pod.Spec.PriorityClassName == nodeCriticalClass
}

// MachineMemory is the machine's memory in bytes (MemTotal of /proc/meminfo, read once; 0 when
// unreadable). Safe for concurrent use.
func MachineMemory() int64 { return machineMemory() }

var machineMemory = sync.OnceValue(func() int64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	return parseMemTotal(bufio.NewScanner(f))
})

func parseMemTotal(s *bufio.Scanner) int64 {
	for s.Scan() {
		fields := strings.Fields(s.Text())
		if len(fields) >= 2 && fields[0] == "MemTotal:" {
			kb, _ := strconv.ParseInt(fields[1], 10, 64)
			return kb * 1024
		}
	}
	return 0
}
