package kubelet

import (
	"maps"
	"runtime"
	"time"

	v1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"skiff/pkg/version"
)

// nodeIdentity is what buildNodeStatus needs besides the machine.
type nodeIdentity struct {
	Name, IP                string
	MaxPods, KubeletPort    int
	RuntimeName, RuntimeVer string
	Labels                  map[string]string
}

// nodeLabels are the labels the kubelet sets on its Node.
func nodeLabels(id nodeIdentity) map[string]string {
	l := map[string]string{
		v1.LabelHostname:   id.Name,
		v1.LabelOSStable:   runtime.GOOS,
		v1.LabelArchStable: runtime.GOARCH,
	}
	maps.Copy(l, id.Labels)
	return l
}

// buildNodeStatus is the node status as of now; conditions keep their transition (and, when
// nothing else changed, heartbeat) times from existing.
func buildNodeStatus(id nodeIdentity, m machineFacts, existing []v1.NodeCondition, now time.Time) v1.NodeStatus {
	capacity := v1.ResourceList{
		v1.ResourceCPU:              *resource.NewQuantity(int64(m.CPUs), resource.DecimalSI),
		v1.ResourceMemory:           *resource.NewQuantity(m.MemoryBytes, resource.BinarySI),
		v1.ResourceEphemeralStorage: *resource.NewQuantity(m.StorageBytes, resource.BinarySI),
		v1.ResourcePods:             *resource.NewQuantity(int64(id.MaxPods), resource.DecimalSI),
	}
	return v1.NodeStatus{
		Capacity:    capacity,
		Allocatable: capacity.DeepCopy(),
		Phase:       v1.NodeRunning,
		Conditions:  nodeConditions(existing, now),
		Addresses: []v1.NodeAddress{
			{Type: v1.NodeInternalIP, Address: id.IP},
			{Type: v1.NodeHostName, Address: id.Name},
		},
		DaemonEndpoints: v1.NodeDaemonEndpoints{KubeletEndpoint: v1.DaemonEndpoint{Port: int32(id.KubeletPort)}},
		NodeInfo: v1.NodeSystemInfo{
			MachineID: m.MachineID, SystemUUID: m.SystemUUID, BootID: m.BootID, KernelVersion: m.Kernel, OSImage: m.OSImage,
			ContainerRuntimeVersion: id.RuntimeName + "://" + id.RuntimeVer, KubeletVersion: version.GitVersion,
			KubeProxyVersion: version.GitVersion, OperatingSystem: runtime.GOOS, Architecture: runtime.GOARCH,
		},
	}
}

// healthyConditions are the conditions of a node without pressure, as upstream words them.
var healthyConditions = [...]struct {
	kind            v1.NodeConditionType
	status          v1.ConditionStatus
	reason, message string
}{
	{v1.NodeMemoryPressure, v1.ConditionFalse, "KubeletHasSufficientMemory", "kubelet has sufficient memory available"},
	{v1.NodeDiskPressure, v1.ConditionFalse, "KubeletHasNoDiskPressure", "kubelet has no disk pressure"},
	{v1.NodePIDPressure, v1.ConditionFalse, "KubeletHasSufficientPID", "kubelet has sufficient PID available"},
	{v1.NodeReady, v1.ConditionTrue, "KubeletReady", "kubelet is posting ready status"},
}

func nodeConditions(existing []v1.NodeCondition, now time.Time) []v1.NodeCondition {
	ts := metav1.NewTime(now.Truncate(time.Second))
	out := make([]v1.NodeCondition, 0, len(healthyConditions))
	for _, h := range healthyConditions {
		c := v1.NodeCondition{Type: h.kind, Status: h.status, Reason: h.reason, Message: h.message, LastHeartbeatTime: ts, LastTransitionTime: ts}
		for _, old := range existing {
			if old.Type == h.kind && old.Status == h.status {
				c.LastTransitionTime = old.LastTransitionTime
			}
		}
		out = append(out, c)
	}
	return out
}

// statusChanged reports whether want differs from have other than in heartbeat times.
func statusChanged(have, want v1.NodeStatus) bool {
	strip := func(s v1.NodeStatus) v1.NodeStatus {
		s = *s.DeepCopy()
		for i := range s.Conditions {
			s.Conditions[i].LastHeartbeatTime = metav1.Time{}
		}
		s.Images, s.VolumesInUse, s.VolumesAttached = nil, nil, nil
		return s
	}
	return !apiequality.Semantic.DeepEqual(strip(have), strip(want))
}
