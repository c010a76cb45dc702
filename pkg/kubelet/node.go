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

// buildNodeStatus is the node status as of now, with pressure p; conditions keep their transition (and, when
// nothing else changed, heartbeat) times from existing.
func buildNodeStatus(id nodeIdentity, m machineFacts, p nodePressure, existing []v1.NodeCondition, now time.Time) v1.NodeStatus {
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
		Conditions:  nodeConditions(existing, p, now),
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

// conditionText is how upstream words a node condition for each status.
type conditionText struct {
	kind                  v1.NodeConditionType
	reasonFalse, msgFalse string
	reasonTrue, msgTrue   string
	status                func(p nodePressure) bool
}

// conditionTexts lists the node's conditions in the order they are reported.
var conditionTexts = [...]conditionText{
	{v1.NodeMemoryPressure, "KubeletHasSufficientMemory", "kubelet has sufficient memory available",
		"KubeletHasInsufficientMemory", "kubelet has insufficient memory available", func(p nodePressure) bool { return p.Memory }},
	{v1.NodeDiskPressure, "KubeletHasNoDiskPressure", "kubelet has no disk pressure",
		"KubeletHasDiskPressure", "kubelet has disk pressure", func(p nodePressure) bool { return p.Disk }},
	{v1.NodePIDPressure, "KubeletHasSufficientPID", "kubelet has sufficient PID available",
		"KubeletHasInsufficientPID", "kubelet has insufficient PID available", func(p nodePressure) bool { return p.PID }},
	{v1.NodeReady, "", "", "KubeletReady", "kubelet is posting ready status", func(nodePressure) bool { return true }},
}

// nodeConditions are the node's conditions given the pressure observed now; a condition keeps
// its transition time from existing while its status is unchanged.
func nodeConditions(existing []v1.NodeCondition, p nodePressure, now time.Time) []v1.NodeCondition {
	ts := metav1.NewTime(now.Truncate(time.Second))
	out := make([]v1.NodeCondition, 0, len(conditionTexts))
	for _, t := range conditionTexts {
		c := v1.NodeCondition{Type: t.kind, Status: v1.ConditionFalse, Reason: t.reasonFalse, Message: t.msgFalse, LastHeartbeatTime: ts, LastTransitionTime: ts}
		if t.status(p) {
			c.Status, c.Reason, c.Message = v1.ConditionTrue, t.reasonTrue, t.msgTrue
		}
		for _, old := range existing {
			if old.Type == t.kind && old.Status == c.Status {
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
