package podendpoint

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func svc(opts ...func(*corev1.Service)) *corev1.Service {
	s := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "ns", CreationTimestamp: metav1.NewTime(t0)},
		Spec: corev1.ServiceSpec{Selector: map[string]string{"app": "web"},
			Ports: []corev1.ServicePort{{Name: "http", Port: 80, Protocol: corev1.ProtocolTCP, TargetPort: intstr.FromInt32(8080)}}}}
	for _, o := range opts {
		o(s)
	}
	return s
}

func pod(name string, opts ...func(*corev1.Pod)) *corev1.Pod {
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "ns", Labels: map[string]string{"app": "web"}},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Ports: []corev1.ContainerPort{
			{Name: "web", ContainerPort: 8080, Protocol: corev1.ProtocolTCP}}}}},
		Status: corev1.PodStatus{Phase: corev1.PodRunning, PodIP: "10.42.0.5", PodIPs: []corev1.PodIP{{IP: "10.42.0.5"}}}}
	for _, o := range opts {
		o(p)
	}
	return p
}

func ready(p *corev1.Pod) {
	p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue}}
}
func terminating(p *corev1.Pod) { p.DeletionTimestamp = ptr.To(metav1.NewTime(t0)) }
func phase(ph corev1.PodPhase) func(*corev1.Pod) {
	return func(p *corev1.Pod) { p.Status.Phase = ph }
}
func noIP(p *corev1.Pod)                { p.Status.PodIP, p.Status.PodIPs = "", nil }
func publishNotReady(s *corev1.Service) { s.Spec.PublishNotReadyAddresses = true }

func TestFor(t *testing.T) {
	type cond struct{ ready, serving, terminating bool }
	tests := []struct {
		name     string
		svc      *corev1.Service
		pod      *corev1.Pod
		inclTerm bool
		want     *cond // nil: not an endpoint
	}{
		{"ready", svc(), pod("a", ready), true, &cond{true, true, false}},
		{"not ready is listed", svc(), pod("a"), true, &cond{false, false, false}},
		{"ready and terminating serves", svc(), pod("a", ready, terminating), true, &cond{false, true, true}},
		{"unready and terminating", svc(), pod("a", terminating), true, &cond{false, false, true}},
		{"terminating excluded", svc(), pod("a", ready, terminating), false, nil},
		{"publishNotReady: unready is ready", svc(publishNotReady), pod("a"), false, &cond{true, false, false}},
		{"publishNotReady: terminating is ready", svc(publishNotReady), pod("a", terminating), true, &cond{true, false, true}},
		{"no IP", svc(), pod("a", ready, noIP), true, nil},
		{"succeeded", svc(), pod("a", ready, phase(corev1.PodSucceeded)), true, nil},
		{"failed", svc(), pod("a", phase(corev1.PodFailed)), true, nil},
		{"pending with IP", svc(), pod("a", phase(corev1.PodPending)), true, &cond{false, false, false}},
		{"IPv6 only", svc(), pod("a", ready, func(p *corev1.Pod) {
			p.Status.PodIP, p.Status.PodIPs = "fd00::5", []corev1.PodIP{{IP: "fd00::5"}}
		}), true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, ok := For(tt.svc, tt.pod, tt.inclTerm)
			if ok != (tt.want != nil) {
				t.Fatalf("For ok = %v, want %v", ok, tt.want != nil)
			}
			if !ok {
				return
			}
			if got := (cond{e.Ready, e.Serving, e.Terminating}); got != *tt.want {
				t.Errorf("conditions = %+v, want %+v", got, *tt.want)
			}
			if e.IP != "10.42.0.5" || e.Pod != tt.pod {
				t.Errorf("endpoint = %+v", e)
			}
		})
	}
}

func TestResolve(t *testing.T) {
	named := func(name string, proto corev1.Protocol) corev1.ServicePort {
		return corev1.ServicePort{Name: name, Port: 80, Protocol: proto, TargetPort: intstr.FromString(name)}
	}
	withPorts := func(ps ...corev1.ServicePort) func(*corev1.Service) {
		return func(s *corev1.Service) { s.Spec.Ports = ps }
	}
	sidecar := func(p *corev1.Pod) {
		p.Spec.InitContainers = []corev1.Container{{Name: "side", RestartPolicy: ptr.To(corev1.ContainerRestartPolicyAlways),
			Ports: []corev1.ContainerPort{{Name: "metrics", ContainerPort: 9090, Protocol: corev1.ProtocolTCP}}}}
	}
	tests := []struct {
		name string
		svc  *corev1.Service
		pod  *corev1.Pod
		want []Port
	}{
		{"numeric target", svc(), pod("a"), []Port{{"http", 8080, corev1.ProtocolTCP, ""}}},
		{"no target: the port", svc(withPorts(corev1.ServicePort{Port: 80, Protocol: corev1.ProtocolTCP})), pod("a"),
			[]Port{{"", 80, corev1.ProtocolTCP, ""}}},
		{"named target", svc(withPorts(named("web", corev1.ProtocolTCP))), pod("a"), []Port{{"web", 8080, corev1.ProtocolTCP, ""}}},
		{"named, other protocol", svc(withPorts(named("web", corev1.ProtocolUDP))), pod("a"), nil},
		{"named, missing", svc(withPorts(named("grpc", corev1.ProtocolTCP))), pod("a"), nil},
		{"named on a sidecar", svc(withPorts(named("metrics", corev1.ProtocolTCP))), pod("a", sidecar),
			[]Port{{"metrics", 9090, corev1.ProtocolTCP, ""}}},
		{"one of two resolves", svc(withPorts(named("web", corev1.ProtocolTCP), named("grpc", corev1.ProtocolTCP))), pod("a"),
			[]Port{{"web", 8080, corev1.ProtocolTCP, ""}}},
		{"appProtocol kept, protocol defaulted", svc(withPorts(corev1.ServicePort{Name: "h2", Port: 81, AppProtocol: ptr.To("kubernetes.io/h2c")})),
			pod("a"), []Port{{"h2", 81, corev1.ProtocolTCP, "kubernetes.io/h2c"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, Resolve(tt.svc, tt.pod)); diff != "" {
				t.Errorf("Resolve (-want +got):\n%s", diff)
			}
		})
	}
}

func TestListNamedPortsAndHostnames(t *testing.T) {
	s := svc(func(s *corev1.Service) {
		s.Spec.ClusterIP = corev1.ClusterIPNone
		s.Spec.Ports = []corev1.ServicePort{{Name: "http", Port: 80, Protocol: corev1.ProtocolTCP, TargetPort: intstr.FromString("web")}}
	})
	port := func(n int32) func(*corev1.Pod) {
		return func(p *corev1.Pod) { p.Spec.Containers[0].Ports[0].ContainerPort = n }
	}
	sub := func(host, subdomain string) func(*corev1.Pod) {
		return func(p *corev1.Pod) { p.Spec.Hostname, p.Spec.Subdomain = host, subdomain }
	}
	lacking := func(p *corev1.Pod) { p.Spec.Containers[0].Ports = nil }
	pods := []*corev1.Pod{pod("c", port(9000), sub("c", "web")), pod("a", sub("a", "other")), pod("b", lacking)}
	got := List(s, pods, true)
	type row struct {
		Pod, Hostname string
		Port          int32
	}
	var rows []row
	for _, e := range got {
		rows = append(rows, row{e.Pod.Name, e.Hostname, e.Ports[0].Port})
	}
	want := []row{{"a", "", 8080}, {"c", "c", 9000}}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("List (-want +got):\n%s", diff)
	}
}

func TestHeadlessWithoutPorts(t *testing.T) {
	s := svc(func(s *corev1.Service) { s.Spec.ClusterIP, s.Spec.Ports = corev1.ClusterIPNone, nil })
	e, ok := For(s, pod("a", ready), true)
	if !ok || len(e.Ports) != 0 || !e.Ready {
		t.Errorf("For = %+v, %v; want a ready endpoint without ports", e, ok)
	}
}

func TestChanged(t *testing.T) {
	base := pod("a", ready)
	tests := []struct {
		name string
		edit func(*corev1.Pod)
		want bool
	}{
		{"status noise", func(p *corev1.Pod) { p.Status.ContainerStatuses = []corev1.ContainerStatus{{RestartCount: 1}} }, false},
		{"labels", func(p *corev1.Pod) { p.Labels = map[string]string{"app": "x"} }, true},
		{"ip", func(p *corev1.Pod) { p.Status.PodIPs = []corev1.PodIP{{IP: "10.42.0.6"}} }, true},
		{"unready", func(p *corev1.Pod) { p.Status.Conditions = nil }, true},
		{"terminating", terminating, true},
		{"phase", phase(corev1.PodSucceeded), true},
		{"node", func(p *corev1.Pod) { p.Spec.NodeName = "n1" }, true},
		{"hostname", func(p *corev1.Pod) { p.Spec.Hostname = "h" }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cur := base.DeepCopy()
			tt.edit(cur)
			if got := Changed(base, cur); got != tt.want {
				t.Errorf("Changed = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestLastChange(t *testing.T) {
	p := pod("a", func(p *corev1.Pod) {
		p.CreationTimestamp = metav1.NewTime(t0.Add(time.Minute))
		p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue, LastTransitionTime: metav1.NewTime(t0.Add(2 * time.Minute))}}
	})
	got := LastChange(svc(), List(svc(), []*corev1.Pod{p}, true))
	if diff := cmp.Diff(t0.Add(2*time.Minute), got, cmpopts.EquateApproxTime(0)); diff != "" {
		t.Errorf("LastChange (-want +got):\n%s", diff)
	}
	if got := LastChange(svc(), nil); !got.Equal(t0) {
		t.Errorf("LastChange without endpoints = %v, want the Service's creation", got)
	}
}
