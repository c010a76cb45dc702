package nodeipam

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func node(name, cidr string) *corev1.Node {
	return &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: corev1.NodeSpec{PodCIDR: cidr}}
}

func TestCIDRSet(t *testing.T) {
	subnets, _ := NewSubnets("10.42.0.0/22", 24) // 4 subnets
	type step struct {
		op        string // observe, forget, assign
		node      *corev1.Node
		name      string
		want      string // assign: the subnet; observe: "ok" or "refused"
		exhausted bool
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{name: "lowest free first, existing kept", steps: []step{
			{op: "observe", node: node("a", "10.42.1.0/24"), want: "ok"},
			{op: "assign", name: "b", want: "10.42.0.0/24"},
			{op: "assign", name: "c", want: "10.42.2.0/24"},
			{op: "assign", name: "a", want: "10.42.1.0/24"},
			{op: "assign", name: "b", want: "10.42.0.0/24"},
		}},
		{name: "never twice, released on delete", steps: []step{
			{op: "assign", name: "a", want: "10.42.0.0/24"},
			{op: "observe", node: node("x", "10.42.0.0/24"), want: "refused"},
			{op: "forget", name: "a"},
			{op: "assign", name: "b", want: "10.42.0.0/24"},
		}},
		{name: "foreign CIDR refused", steps: []step{
			{op: "observe", node: node("a", "192.168.0.0/24"), want: "refused"},
			{op: "observe", node: node("b", "10.42.0.0/25"), want: "refused"},
			{op: "observe", node: node("c", ""), want: "ok"},
		}},
		{name: "exhausted", steps: []step{
			{op: "assign", name: "a", want: "10.42.0.0/24"},
			{op: "assign", name: "b", want: "10.42.1.0/24"},
			{op: "assign", name: "c", want: "10.42.2.0/24"},
			{op: "assign", name: "d", want: "10.42.3.0/24"},
			{op: "assign", name: "e", exhausted: true},
			{op: "forget", name: "b"},
			{op: "assign", name: "e", want: "10.42.1.0/24"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newCIDRSet(subnets)
			for i, st := range tt.steps {
				switch st.op {
				case "observe":
					got := map[bool]string{true: "ok", false: "refused"}[s.observe(st.node)]
					if got != st.want {
						t.Errorf("step %d observe %s: %s, want %s", i, st.node.Name, got, st.want)
					}
				case "forget":
					s.forget(st.name)
				case "assign":
					p, ok := s.assign(st.name)
					if ok == st.exhausted || (ok && p.String() != st.want) {
						t.Errorf("step %d assign %s: %v,%v; want %s (exhausted %v)", i, st.name, p, ok, st.want, st.exhausted)
					}
				}
			}
		})
	}
}
