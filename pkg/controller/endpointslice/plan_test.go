package endpointslice

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"skiff/pkg/controller/podendpoint"
	ept "skiff/pkg/controller/podendpoint/podendpointtest"
)

// want computes the desired groups of svc over ps (zone "z1" for node n1).
func want(svc *corev1.Service, ps []*corev1.Pod) []*group {
	return groups(podendpoint.List(svc, ps, true), map[string]string{"n1": "z1"})
}

// stored turns the creates of a plan into stored slices named name-0, name-1, ...
func stored(p plan, name string) []*discoveryv1.EndpointSlice {
	var out []*discoveryv1.EndpointSlice
	for i, s := range p.create {
		s = s.DeepCopy()
		s.Name, s.ResourceVersion = fmt.Sprintf("%s-%d", name, i), "5"
		out = append(out, s)
	}
	return out
}

// summary renders a plan as "op name: ports | pod[flags] ..." lines; flags: r ready, s
// serving, t terminating.
func summary(p plan) []string {
	var out []string
	line := func(op string, s *discoveryv1.EndpointSlice) {
		var eps []string
		for _, e := range s.Endpoints {
			c := e.Conditions
			flags := ""
			for f, on := range map[string]*bool{"r": c.Ready, "s": c.Serving, "t": c.Terminating} {
				if ptr.Deref(on, false) {
					flags += f
				}
			}
			eps = append(eps, e.TargetRef.Name+"["+sortFlags(flags)+"]")
		}
		name := s.Name
		if name == "" {
			name = s.GenerateName
		}
		var ps []string
		for _, p := range s.Ports {
			ps = append(ps, fmt.Sprintf("%s:%d", *p.Name, *p.Port))
		}
		out = append(out, fmt.Sprintf("%s %s %s | %s", op, name, strings.Join(ps, ","), strings.Join(eps, " ")))
	}
	for _, s := range p.create {
		line("create", s)
	}
	for _, s := range p.update {
		line("update", s)
	}
	for _, s := range p.delete {
		out = append(out, "delete "+s.Name)
	}
	return out
}

func sortFlags(f string) string {
	var b strings.Builder
	for _, c := range "rst" {
		if strings.ContainsRune(f, c) {
			b.WriteRune(c)
		}
	}
	return b.String()
}

func TestDecide(t *testing.T) {
	svc := ept.Service()
	three := stored(decide(svc, want(svc, ept.Pods(0, 3)), nil, 100), "web")
	tests := []struct {
		name     string
		svc      *corev1.Service
		pods     []*corev1.Pod
		existing []*discoveryv1.EndpointSlice
		want     []string
	}{
		{"new service, 3 ready pods", svc, ept.Pods(0, 3), nil,
			[]string{"create web- http:8080 | p0000[rs] p0001[rs] p0002[rs]"}},
		{"nothing changed: no writes", svc, ept.Pods(0, 3), three, nil},
		{"a pod goes unready: updated in place", svc, append(ept.Pods(0, 2), ept.Pod(2, ept.Unready)), three,
			[]string{"update web-0 http:8080 | p0000[rs] p0001[rs] p0002[]"}},
		{"a pod terminates: still listed", svc, append(ept.Pods(0, 2), ept.Pod(2, ept.Terminating)), three,
			[]string{"update web-0 http:8080 | p0000[rs] p0001[rs] p0002[st]"}},
		{"scale 3 to 5: same slice", svc, ept.Pods(0, 5), three,
			[]string{"update web-0 http:8080 | p0000[rs] p0001[rs] p0002[rs] p0003[rs] p0004[rs]"}},
		{"scale 3 to 1", svc, ept.Pods(2, 3), three, []string{"update web-0 http:8080 | p0002[rs]"}},
		{"no pods: placeholder", svc, nil, nil, []string{"create web-  | "}},
		{"all pods gone: slice emptied in place", svc, nil, three, []string{"update web-0  | "}},
		{"named port with two numbers: two slices", svc, append(ept.Pods(0, 2), ept.Pod(2, ept.Port(9000))), three,
			[]string{"create web- http:9000 | p0002[rs]", "update web-0 http:8080 | p0000[rs] p0001[rs]"}},
		{"service port change: slice recycled", ept.Service(func(s *corev1.Service) { s.Spec.Ports[0].Name = "www" }), ept.Pods(0, 3), three,
			[]string{"update web-0 www:8080 | p0000[rs] p0001[rs] p0002[rs]"}},
		{"slice of an older service incarnation: deleted", ept.Service(func(s *corev1.Service) { s.UID = "new" }), ept.Pods(0, 1), three,
			[]string{"create web- http:8080 | p0000[rs]", "delete web-0"}},
		{"pods lacking the named port are left out", svc, []*corev1.Pod{ept.Pod(0, func(p *corev1.Pod) { p.Spec.Containers[0].Ports = nil })}, nil,
			[]string{"create web-  | "}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := summary(decide(tt.svc, want(tt.svc, tt.pods), tt.existing, 100))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("plan (-want +got):\n%s", diff)
			}
		})
	}
}

// sizes renders a plan as "op name count" lines.
func sizes(p plan) []string {
	var out []string
	for _, s := range p.create {
		out = append(out, fmt.Sprintf("create %d", len(s.Endpoints)))
	}
	for _, s := range p.update {
		out = append(out, fmt.Sprintf("update %s %d", s.Name, len(s.Endpoints)))
	}
	for _, s := range p.delete {
		out = append(out, "delete "+s.Name)
	}
	return out
}

func TestDecideSplitsAndPacks(t *testing.T) {
	svc := ept.Service()
	full := stored(decide(svc, want(svc, ept.Pods(0, 140)), nil, 100), "web") // 100 + 40
	tests := []struct {
		name     string
		pods     []*corev1.Pod
		existing []*discoveryv1.EndpointSlice
		want     []string
	}{
		{"250 pods: 3 slices", ept.Pods(0, 250), nil, []string{"create 100", "create 100", "create 50"}},
		{"existing 100+40, 30 more fill the 40", ept.Pods(0, 170), full, []string{"update web-1 70"}},
		{"existing 100+40, 100 more: fill then create", ept.Pods(0, 240), full, []string{"create 40", "update web-1 100"}},
		{"one gone from the full slice, 1 new: the changing slice takes it", append(ept.Pods(1, 140), ept.Pod(500)), full,
			[]string{"update web-0 100"}},
		{"scale down to 2: the emptied slice is deleted", ept.Pods(0, 2), full, []string{"update web-0 2", "delete web-1"}},
		{"scale down to 0: one placeholder", nil, full, []string{"update web-0 0", "delete web-1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := sizes(decide(svc, want(svc, tt.pods), tt.existing, 100))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("plan (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecideDropsDuplicates(t *testing.T) {
	svc := ept.Service()
	a := stored(decide(svc, want(svc, ept.Pods(0, 2)), nil, 100), "a")[0]
	b := stored(decide(svc, want(svc, ept.Pods(1, 3)), nil, 100), "b")[0]
	got := summary(decide(svc, want(svc, ept.Pods(0, 3)), []*discoveryv1.EndpointSlice{b, a}, 100))
	wantPlan := []string{"update b-0 http:8080 | p0002[rs]"}
	if diff := cmp.Diff(wantPlan, got); diff != "" {
		t.Errorf("plan (-want +got):\n%s", diff)
	}
}

func TestSliceContents(t *testing.T) {
	svc := ept.Service(func(s *corev1.Service) {
		s.Spec.ClusterIP = corev1.ClusterIPNone
		s.Spec.Ports[0].AppProtocol = ptr.To("http")
	})
	p := ept.Pod(0, func(p *corev1.Pod) { p.Spec.Hostname, p.Spec.Subdomain = "h0", "web" })
	pl := decide(svc, want(svc, []*corev1.Pod{p}), nil, 100)
	if len(pl.create) != 1 {
		t.Fatalf("plan = %v", summary(pl))
	}
	wantSlice := &discoveryv1.EndpointSlice{
		ObjectMeta: metav1.ObjectMeta{GenerateName: "web-", Namespace: "ns",
			Labels: map[string]string{"team": "a", discoveryv1.LabelServiceName: "web", discoveryv1.LabelManagedBy: ControllerName, headlessLabel: ""},
			OwnerReferences: []metav1.OwnerReference{{APIVersion: "v1", Kind: "Service", Name: "web", UID: "svc-uid",
				Controller: ptr.To(true), BlockOwnerDeletion: ptr.To(true)}}},
		AddressType: discoveryv1.AddressTypeIPv4,
		Endpoints: []discoveryv1.Endpoint{{Addresses: []string{"10.42.0.2"},
			Conditions: discoveryv1.EndpointConditions{Ready: ptr.To(true), Serving: ptr.To(true), Terminating: ptr.To(false)},
			Hostname:   ptr.To("h0"), NodeName: ptr.To("n1"), Zone: ptr.To("z1"),
			TargetRef: &corev1.ObjectReference{Kind: "Pod", Namespace: "ns", Name: "p0000", UID: "uid-0"}}},
		Ports: []discoveryv1.EndpointPort{{Name: ptr.To("http"), Port: ptr.To[int32](8080), Protocol: ptr.To(corev1.ProtocolTCP), AppProtocol: ptr.To("http")}},
	}
	if diff := cmp.Diff(wantSlice, pl.create[0]); diff != "" {
		t.Errorf("slice (-want +got):\n%s", diff)
	}
}

func TestDecideLabelChangeRewrites(t *testing.T) {
	svc := ept.Service()
	existing := stored(decide(svc, want(svc, ept.Pods(0, 3)), nil, 100), "web")
	relabelled := ept.Service(func(s *corev1.Service) { s.Labels = map[string]string{"team": "b"} })
	got := decide(relabelled, want(relabelled, ept.Pods(0, 3)), existing, 100)
	if len(got.update) != 1 || got.update[0].Labels["team"] != "b" || len(got.create)+len(got.delete) != 0 {
		t.Errorf("plan = %v, labels %v", summary(got), got.update)
	}
	if existing[0].Labels["team"] != "a" {
		t.Error("decide modified an existing slice")
	}
}
