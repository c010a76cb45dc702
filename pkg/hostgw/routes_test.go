package hostgw

import (
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func mkNode(name, cidr string, ips ...string) *corev1.Node {
	n := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: corev1.NodeSpec{PodCIDR: cidr}}
	if cidr != "" {
		n.Spec.PodCIDRs = []string{cidr}
	}
	for _, ip := range ips {
		n.Status.Addresses = append(n.Status.Addresses, corev1.NodeAddress{Type: corev1.NodeInternalIP, Address: ip})
	}
	return n
}

func r(dst, via string) Route {
	return Route{Dst: netip.MustParsePrefix(dst), Via: netip.MustParseAddr(via)}
}

var cmpRoute = cmp.Comparer(func(a, b Route) bool { return a == b })

func TestDesired(t *testing.T) {
	hostname := mkNode("b", "10.42.1.0/24", "192.168.0.2")
	hostname.Status.Addresses = append([]corev1.NodeAddress{{Type: corev1.NodeHostName, Address: "b"}, {Type: corev1.NodeExternalIP, Address: "1.2.3.4"}}, hostname.Status.Addresses...)
	tests := []struct {
		name  string
		nodes []*corev1.Node
		want  []Route
	}{
		{name: "other nodes only, sorted", nodes: []*corev1.Node{
			mkNode("c", "10.42.2.0/24", "192.168.0.3"), mkNode("a", "10.42.0.0/24", "192.168.0.1"), hostname,
		}, want: []Route{r("10.42.1.0/24", "192.168.0.2"), r("10.42.2.0/24", "192.168.0.3")}},
		{name: "no pod CIDR or no InternalIP skipped", nodes: []*corev1.Node{
			mkNode("a", "10.42.0.0/24", "192.168.0.1"), mkNode("b", "", "192.168.0.2"), mkNode("c", "10.42.2.0/24"),
		}},
		{name: "family of the gateway matches the CIDR", nodes: []*corev1.Node{
			mkNode("a", "10.42.0.0/24", "192.168.0.1"), mkNode("b", "fd42::/64", "192.168.0.2", "fd00::2"),
		}, want: []Route{r("fd42::/64", "fd00::2")}},
		{name: "a node given our own subnet is skipped", nodes: []*corev1.Node{
			mkNode("a", "10.42.0.0/24", "192.168.0.1"), mkNode("b", "10.42.0.0/24", "192.168.0.2"),
		}},
		{name: "invalid CIDR skipped, unmasked one masked", nodes: []*corev1.Node{
			mkNode("a", "10.42.0.0/24", "192.168.0.1"), mkNode("b", "nonsense", "192.168.0.2"), mkNode("c", "10.42.2.7/24", "192.168.0.3"),
		}, want: []Route{r("10.42.2.0/24", "192.168.0.3")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, Desired("a", tt.nodes), cmpRoute); diff != "" {
				t.Errorf("Desired (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPlan(t *testing.T) {
	tests := []struct {
		name             string
		current, desired []Route
		wantSet, wantDel []Route
	}{
		{name: "nothing yet", desired: []Route{r("10.42.1.0/24", "192.168.0.2")}, wantSet: []Route{r("10.42.1.0/24", "192.168.0.2")}},
		{name: "in place", current: []Route{r("10.42.1.0/24", "192.168.0.2")}, desired: []Route{r("10.42.1.0/24", "192.168.0.2")}},
		{name: "gateway moved", current: []Route{r("10.42.1.0/24", "192.168.0.2")}, desired: []Route{r("10.42.1.0/24", "192.168.0.9")},
			wantSet: []Route{r("10.42.1.0/24", "192.168.0.9")}},
		{name: "node gone", current: []Route{r("10.42.1.0/24", "192.168.0.2"), r("10.42.2.0/24", "192.168.0.3")}, desired: []Route{r("10.42.2.0/24", "192.168.0.3")},
			wantDel: []Route{r("10.42.1.0/24", "192.168.0.2")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, del := Plan(tt.current, tt.desired)
			if diff := cmp.Diff(tt.wantSet, set, cmpRoute); diff != "" {
				t.Errorf("set (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantDel, del, cmpRoute); diff != "" {
				t.Errorf("del (-want +got):\n%s", diff)
			}
		})
	}
}
