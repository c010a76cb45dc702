package sim

import (
	"fmt"
	"maps"
	"net/netip"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// simNode is the identity of one simulated node: its name and addresses.
type simNode struct {
	name    string
	ip      netip.Addr
	podCIDR netip.Prefix
}

// newSimNode names node i and gives it an InternalIP in 10.64.0.0/10 and a /24 pod range in
// 10.128.0.0/9. i must be below MaxNodes.
func newSimNode(prefix string, i int) simNode {
	n := i + 1
	ip := netip.AddrFrom4([4]byte{10, byte(64 + n>>16), byte(n >> 8), byte(n)})
	cidr := netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(128 + i>>8), byte(i), 0}), 24)
	return simNode{name: fmt.Sprintf("%s%d", prefix, i), ip: ip, podCIDR: cidr}
}

// buildNode is the desired Node object of n, with status, as of now.
func buildNode(cfg Config, n simNode, now time.Time) *corev1.Node {
	labels := map[string]string{
		corev1.LabelHostname:   n.name,
		corev1.LabelOSStable:   "linux",
		corev1.LabelArchStable: "amd64",
	}
	maps.Copy(labels, cfg.Labels)
	return &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: n.name, Labels: labels, Annotations: map[string]string{AnnotationSimulated: "true"}},
		Spec:       corev1.NodeSpec{PodCIDR: n.podCIDR.String(), PodCIDRs: []string{n.podCIDR.String()}, Taints: cfg.Taints},
		Status:     buildNodeStatus(cfg, n, now),
	}
}

func buildNodeStatus(cfg Config, n simNode, now time.Time) corev1.NodeStatus {
	return corev1.NodeStatus{
		Capacity:    cfg.Capacity.DeepCopy(),
		Allocatable: cfg.Capacity.DeepCopy(),
		Phase:       corev1.NodeRunning,
		Conditions:  nodeConditions(metav1.NewTime(now.Truncate(time.Second))),
		Addresses: []corev1.NodeAddress{
			{Type: corev1.NodeInternalIP, Address: n.ip.String()},
			{Type: corev1.NodeHostName, Address: n.name},
		},
		DaemonEndpoints: corev1.NodeDaemonEndpoints{KubeletEndpoint: corev1.DaemonEndpoint{Port: 10250}},
		NodeInfo: corev1.NodeSystemInfo{
			MachineID: n.name, SystemUUID: n.name, BootID: n.name,
			KernelVersion: "simulated", OSImage: "Skiff simulated node", ContainerRuntimeVersion: "sim://" + KubeletVersion,
			KubeletVersion: KubeletVersion, KubeProxyVersion: KubeletVersion, OperatingSystem: "linux", Architecture: "amd64",
		},
	}
}

// nodeCondition is one condition a healthy node reports.
type nodeCondition struct {
	kind    corev1.NodeConditionType
	status  corev1.ConditionStatus
	reason  string
	message string
}

var healthyConditions = [...]nodeCondition{
	{corev1.NodeMemoryPressure, corev1.ConditionFalse, "KubeletHasSufficientMemory", "kubelet has sufficient memory available"},
	{corev1.NodeDiskPressure, corev1.ConditionFalse, "KubeletHasNoDiskPressure", "kubelet has no disk pressure"},
	{corev1.NodePIDPressure, corev1.ConditionFalse, "KubeletHasSufficientPID", "kubelet has sufficient PID available"},
	{corev1.NodeReady, corev1.ConditionTrue, "KubeletReady", "kubelet is posting ready status"},
}

func nodeConditions(now metav1.Time) []corev1.NodeCondition {
	out := make([]corev1.NodeCondition, 0, len(healthyConditions))
	for _, c := range healthyConditions {
		out = append(out, corev1.NodeCondition{Type: c.kind, Status: c.status, Reason: c.reason, Message: c.message, LastHeartbeatTime: now, LastTransitionTime: now})
	}
	return out
}

// adoptNode returns a copy of existing carrying desired's labels, annotations, taints and (when
// unset) pod CIDR; other fields of existing are kept.
func adoptNode(existing, desired *corev1.Node) *corev1.Node {
	out := existing.DeepCopy()
	if out.Labels == nil {
		out.Labels = map[string]string{}
	}
	maps.Copy(out.Labels, desired.Labels)
	if out.Annotations == nil {
		out.Annotations = map[string]string{}
	}
	maps.Copy(out.Annotations, desired.Annotations)
	out.Spec.Taints = desired.Spec.Taints
	out.Spec.Unschedulable = false
	if out.Spec.PodCIDR == "" {
		out.Spec.PodCIDR, out.Spec.PodCIDRs = desired.Spec.PodCIDR, desired.Spec.PodCIDRs
	}
	return out
}

// heartbeatPatch is a strategic merge patch of nodes/status that marks every healthy condition
// as reported now, keeping each condition's lastTransitionTime unless its status changes.
func heartbeatPatch(existing []corev1.NodeCondition, now time.Time) map[string]any {
	ts := metav1.NewTime(now.Truncate(time.Second))
	conds := make([]map[string]any, 0, len(healthyConditions))
	for _, c := range healthyConditions {
		m := map[string]any{"type": c.kind, "status": c.status, "reason": c.reason, "message": c.message, "lastHeartbeatTime": ts}
		if old := findCondition(existing, c.kind); old == nil || old.Status != c.status {
			m["lastTransitionTime"] = ts
		}
		conds = append(conds, m)
	}
	return map[string]any{"status": map[string]any{"conditions": conds}}
}

func findCondition(conds []corev1.NodeCondition, t corev1.NodeConditionType) *corev1.NodeCondition {
	for i := range conds {
		if conds[i].Type == t {
			return &conds[i]
		}
	}
	return nil
}
