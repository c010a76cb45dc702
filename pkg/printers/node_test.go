package printers

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
)

func testNode(name string, ready corev1.ConditionStatus) *corev1.Node {
	n := &corev1.Node{
		ObjectMeta: objMeta(name, 5*24*time.Hour),
		Status: corev1.NodeStatus{
			NodeInfo: corev1.NodeSystemInfo{
				KubeletVersion: "v1.37.2", OSImage: "Debian GNU/Linux 12 (bookworm)",
				KernelVersion: "6.1.0-18-amd64", ContainerRuntimeVersion: "containerd://1.6.20",
			},
			Addresses: []corev1.NodeAddress{
				{Type: corev1.NodeHostName, Address: name},
				{Type: corev1.NodeInternalIP, Address: "192.168.1.10"},
				{Type: corev1.NodeInternalIP, Address: "192.168.1.11"},
			},
		},
	}
	n.Namespace = ""
	if ready != "" {
		n.Status.Conditions = []corev1.NodeCondition{
			{Type: corev1.NodeMemoryPressure, Status: corev1.ConditionFalse},
			{Type: corev1.NodeReady, Status: ready},
		}
	}
	return n
}

func TestNodeCells(t *testing.T) {
	cordoned := testNode("worker-2", corev1.ConditionFalse)
	cordoned.Spec.Unschedulable = true
	cordoned.Labels = map[string]string{"node-role.kubernetes.io/worker": "", "node-role.kubernetes.io/gpu": "true", "kubernetes.io/os": "linux"}
	control := testNode("server", corev1.ConditionTrue)
	control.Labels = map[string]string{"node-role.kubernetes.io/control-plane": "", "node-role.kubernetes.io/": "", "kubernetes.io/role": "master"}
	control.Status.Addresses = append(control.Status.Addresses, corev1.NodeAddress{Type: corev1.NodeExternalIP, Address: "203.0.113.5"})
	bare := &corev1.Node{ObjectMeta: objMeta("new", 30*time.Second)}

	tests := []struct {
		name string
		node *corev1.Node
		want []any
	}{
		{"ready control plane", control, []any{"server", "Ready", "control-plane,master", "5d", "v1.37.2",
			"192.168.1.10", "203.0.113.5", "Debian GNU/Linux 12 (bookworm)", "6.1.0-18-amd64", "containerd://1.6.20"}},
		{"not ready and cordoned", cordoned, []any{"worker-2", "NotReady,SchedulingDisabled", "gpu,worker", "5d", "v1.37.2",
			"192.168.1.10", "<none>", "Debian GNU/Linux 12 (bookworm)", "6.1.0-18-amd64", "containerd://1.6.20"}},
		{"ready unknown", testNode("worker-3", corev1.ConditionUnknown), []any{"worker-3", "NotReady", "<none>", "5d", "v1.37.2",
			"192.168.1.10", "<none>", "Debian GNU/Linux 12 (bookworm)", "6.1.0-18-amd64", "containerd://1.6.20"}},
		{"no status yet", bare, []any{"new", "Unknown", "<none>", "30s", "", "<none>", "<none>", "<unknown>", "<unknown>", "<unknown>"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, rowCells(t, tc.node)); diff != "" {
				t.Errorf("cells (-want +got):\n%s", diff)
			}
		})
	}
}
