package sim

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestNewSimNode(t *testing.T) {
	cases := []struct {
		i                 int
		name, ip, podCIDR string
	}{
		{0, "sim-0", "10.64.0.1", "10.128.0.0/24"},
		{255, "sim-255", "10.64.1.0", "10.128.255.0/24"},
		{4999, "sim-4999", "10.64.19.136", "10.147.135.0/24"},
		{MaxNodes - 1, "sim-32767", "10.64.128.0", "10.255.255.0/24"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			n := newSimNode("sim-", tc.i)
			got := []string{n.name, n.ip.String(), n.podCIDR.String()}
			if diff := cmp.Diff([]string{tc.name, tc.ip, tc.podCIDR}, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestBuildNode(t *testing.T) {
	cfg, err := Config{Nodes: 1, Labels: map[string]string{"zone": "a", corev1.LabelOSStable: "linux"}}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	n := buildNode(cfg, newSimNode("sim-", 0), t0)
	wantLabels := map[string]string{corev1.LabelHostname: "sim-0", corev1.LabelOSStable: "linux", corev1.LabelArchStable: "amd64", "zone": "a"}
	if diff := cmp.Diff(wantLabels, n.Labels); diff != "" {
		t.Errorf("labels (-want +got):\n%s", diff)
	}
	var conds []string
	for _, c := range n.Status.Conditions {
		conds = append(conds, string(c.Type)+"="+string(c.Status))
	}
	if diff := cmp.Diff([]string{"MemoryPressure=False", "DiskPressure=False", "PIDPressure=False", "Ready=True"}, conds); diff != "" {
		t.Errorf("conditions (-want +got):\n%s", diff)
	}
	if got := n.Status.Allocatable.Pods().Value(); got != 110 {
		t.Errorf("allocatable pods %d", got)
	}
	if diff := cmp.Diff([]corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: "10.64.0.1"}, {Type: corev1.NodeHostName, Address: "sim-0"}}, n.Status.Addresses); diff != "" {
		t.Errorf("addresses (-want +got):\n%s", diff)
	}
}

func TestAdoptNode(t *testing.T) {
	existing := &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: "sim-0", Labels: map[string]string{"keep": "1", "zone": "old"}},
		Spec:       corev1.NodeSpec{PodCIDR: "192.168.0.0/24", Unschedulable: true, Taints: []corev1.Taint{{Key: "old", Effect: corev1.TaintEffectNoSchedule}}},
	}
	desired := &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: "sim-0", Labels: map[string]string{"zone": "new"}, Annotations: map[string]string{AnnotationSimulated: "true"}},
		Spec:       corev1.NodeSpec{PodCIDR: "10.128.0.0/24", Taints: []corev1.Taint{{Key: "new", Effect: corev1.TaintEffectNoExecute}}},
	}
	got := adoptNode(existing, desired)
	want := &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: "sim-0", Labels: map[string]string{"keep": "1", "zone": "new"}, Annotations: map[string]string{AnnotationSimulated: "true"}},
		Spec:       corev1.NodeSpec{PodCIDR: "192.168.0.0/24", Taints: desired.Spec.Taints},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if existing.Labels["zone"] != "old" {
		t.Error("existing modified")
	}
}

func TestHeartbeatPatch(t *testing.T) {
	old := metav1.NewTime(t0.Add(-time.Hour))
	existing := []corev1.NodeCondition{
		{Type: corev1.NodeReady, Status: corev1.ConditionTrue, LastTransitionTime: old},
		{Type: corev1.NodeMemoryPressure, Status: corev1.ConditionUnknown, LastTransitionTime: old},
	}
	data, err := json.Marshal(heartbeatPatch(existing, t0))
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Status struct {
			Conditions []map[string]string `json:"conditions"`
		} `json:"status"`
	}
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatal(err)
	}
	now := t0.Format(time.RFC3339)
	transitions := map[string]string{}
	for _, c := range got.Status.Conditions {
		if c["lastHeartbeatTime"] != now {
			t.Errorf("%s: heartbeat %q, want %q", c["type"], c["lastHeartbeatTime"], now)
		}
		transitions[c["type"]] = c["lastTransitionTime"]
	}
	want := map[string]string{"Ready": "", "MemoryPressure": now, "DiskPressure": now, "PIDPressure": now}
	if diff := cmp.Diff(want, transitions); diff != "" {
		t.Errorf("lastTransitionTime (-want +got):\n%s", diff)
	}
}
