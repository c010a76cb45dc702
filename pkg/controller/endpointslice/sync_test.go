package endpointslice

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	corelisters "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/cache"

	"skiff/pkg/controller/podendpoint"
	ept "skiff/pkg/controller/podendpoint/podendpointtest"
)

// cached returns a controller reading the given pods and nodes from fake caches.
func cached(t *testing.T, pods []*corev1.Pod, nodes ...*corev1.Node) *Controller {
	t.Helper()
	pi := cache.NewIndexer(cache.MetaNamespaceKeyFunc, cache.Indexers{cache.NamespaceIndex: cache.MetaNamespaceIndexFunc})
	ni := cache.NewIndexer(cache.MetaNamespaceKeyFunc, cache.Indexers{})
	for _, p := range pods {
		_ = pi.Add(p)
	}
	for _, n := range nodes {
		_ = ni.Add(n)
	}
	return &Controller{cfg: Config{MaxEndpointsPerSlice: 100},
		src:   &podendpoint.Source{Pods: corelisters.NewPodLister(pi)},
		nodes: corelisters.NewNodeLister(ni)}
}

func TestControllerDecide(t *testing.T) {
	svc := ept.Service()
	existing := stored(decide(svc, want(svc, ept.Pods(0, 2)), nil, 100), "web")
	other := ept.Pod(9, func(p *corev1.Pod) { p.Labels = map[string]string{"app": "other"} })
	tests := []struct {
		name     string
		svc      *corev1.Service
		existing []*discoveryv1.EndpointSlice
		want     []string
	}{
		{"selector picks pods", svc, nil, []string{"create web- http:8080 | p0000[rs] p0001[rs] p0002[rs]"}},
		{"no selector: no slices of ours", ept.Service(func(s *corev1.Service) { s.Spec.Selector = nil }), existing, []string{"delete web-0"}},
		{"no selector, none yet: nothing", ept.Service(func(s *corev1.Service) { s.Spec.Selector = nil }), nil, nil},
	}
	c := cached(t, append(ept.Pods(0, 3), other))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, _, err := c.decide(tt.svc, tt.existing)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, summary(p)); diff != "" {
				t.Errorf("plan (-want +got):\n%s", diff)
			}
		})
	}
}

func TestZones(t *testing.T) {
	node := func(name, zone string) *corev1.Node {
		n := &corev1.Node{}
		n.Name = name
		if zone != "" {
			n.Labels = map[string]string{corev1.LabelTopologyZone: zone}
		}
		return n
	}
	onNode := func(n string) func(*corev1.Pod) { return func(p *corev1.Pod) { p.Spec.NodeName = n } }
	ps := []*corev1.Pod{ept.Pod(0, onNode("a")), ept.Pod(1, onNode("b")), ept.Pod(2, onNode("gone")), ept.Pod(3, onNode(""))}
	c := cached(t, ps, node("a", "zone-a"), node("b", ""))
	got := c.zones(podendpoint.List(ept.Service(), ps, true))
	if diff := cmp.Diff(map[string]string{"a": "zone-a", "b": "", "gone": ""}, got); diff != "" {
		t.Errorf("zones (-want +got):\n%s", diff)
	}
}
