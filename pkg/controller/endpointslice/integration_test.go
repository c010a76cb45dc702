package endpointslice_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/metadata"
	"k8s.io/utils/clock"
	"k8s.io/utils/ptr"

	"skiff/pkg/controller/controllertest"
	"skiff/pkg/controller/endpoints"
	"skiff/pkg/controller/endpointslice"
	"skiff/pkg/controller/gc"
	"skiff/pkg/server/servertest"
)

// env is a real API server with the EndpointSlice, Endpoints and garbage collector
// controllers running, and a fresh namespace. Pods are simulated: the test writes their
// status (IP, readiness) through the API like a kubelet would.
type env struct {
	*controllertest.Env
}

func start(t testing.TB) *env {
	t.Helper()
	if testing.Short() {
		t.Skip("integration test: starts etcd and the API server")
	}
	e := controllertest.Start(t, "eps-test")
	esc := endpointslice.New(e.Client, e.Informers, e.Recorder, clock.RealClock{}, e.Log, endpointslice.Config{MaxEndpointsPerSlice: 5})
	epc := endpoints.New(e.Client, e.Informers, e.Recorder, e.Log)
	md, err := metadata.NewForConfig(e.Server.Config)
	if err != nil {
		t.Fatal(err)
	}
	gcc := gc.New(e.Client, md, e.Recorder, clock.RealClock{}, e.Log)
	e.Run(func(ctx context.Context) error { return esc.Run(ctx, 2) })
	e.Run(func(ctx context.Context) error { return epc.Run(ctx, 2) })
	e.Run(func(ctx context.Context) error { return gcc.Run(ctx, 2) })
	return &env{e}
}

func (e *env) service(t testing.TB, name string, sel map[string]string) *corev1.Service {
	t.Helper()
	svc := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: corev1.ServiceSpec{Selector: sel, Ports: []corev1.ServicePort{{Name: "http", Port: 80, TargetPort: intstr.FromString("web")}}}}
	out, err := e.Client.CoreV1().Services(e.NS).Create(e.Ctx, svc, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// pod creates a running pod "name" labelled app=app on node n1 with the given IP, ready or not.
func (e *env) pod(t testing.TB, name, app, ip string, ready bool) {
	t.Helper()
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"app": app}},
		Spec: corev1.PodSpec{NodeName: "n1", Containers: []corev1.Container{{Name: "c", Image: "busybox:1.36",
			Ports: []corev1.ContainerPort{{Name: "web", ContainerPort: 8080}}}}}}
	p, err := e.Client.CoreV1().Pods(e.NS).Create(e.Ctx, p, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p.Status.Phase, p.Status.PodIP, p.Status.PodIPs = corev1.PodRunning, ip, []corev1.PodIP{{IP: ip}}
	e.setReady(t, p, ready)
}

// setReady writes p's Ready condition and returns the pod as stored.
func (e *env) setReady(t testing.TB, p *corev1.Pod, ready bool) *corev1.Pod {
	t.Helper()
	st := corev1.ConditionFalse
	if ready {
		st = corev1.ConditionTrue
	}
	p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: st, LastTransitionTime: metav1.Now()}}
	out, err := e.Client.CoreV1().Pods(e.NS).UpdateStatus(e.Ctx, p, metav1.UpdateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func (e *env) getPod(t testing.TB, name string) *corev1.Pod {
	t.Helper()
	p, err := e.Client.CoreV1().Pods(e.NS).Get(e.Ctx, name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func (e *env) slices(t *testing.T, svc string) []discoveryv1.EndpointSlice {
	t.Helper()
	list, err := e.Client.DiscoveryV1().EndpointSlices(e.NS).List(e.Ctx, metav1.ListOptions{LabelSelector: discoveryv1.LabelServiceName + "=" + svc})
	if err != nil {
		t.Fatal(err)
	}
	return list.Items
}

// endpoints renders the endpoints of svc's slices as sorted "pod=flags" (r ready, s serving,
// t terminating).
func (e *env) endpoints(t *testing.T, svc string) []string {
	t.Helper()
	var out []string
	for _, s := range e.slices(t, svc) {
		for _, ep := range s.Endpoints {
			c := ep.Conditions
			flags := ""
			for i, on := range []*bool{c.Ready, c.Serving, c.Terminating} {
				if ptr.Deref(on, false) {
					flags += string("rst"[i])
				}
			}
			out = append(out, ep.TargetRef.Name+"="+flags)
		}
	}
	slices.Sort(out)
	return out
}

func (e *env) waitEndpoints(t *testing.T, svc string, want ...string) {
	t.Helper()
	var got []string
	e.Eventually(t, fmt.Sprintf("endpoints %v", want), func() bool {
		got = e.endpoints(t, svc)
		return cmp.Equal(want, got, cmp.Comparer(func(a, b []string) bool { return slices.Equal(a, b) }))
	})
}

func TestServiceWithPods(t *testing.T) {
	e := start(t)
	svc := e.service(t, "web", map[string]string{"app": "web"})
	for i := range 3 {
		e.pod(t, fmt.Sprintf("web-%d", i), "web", fmt.Sprintf("10.42.0.%d", i+10), true)
	}
	e.pod(t, "other", "other", "10.42.0.99", true)
	e.waitEndpoints(t, "web", "web-0=rs", "web-1=rs", "web-2=rs")
	s := e.slices(t, "web")
	if len(s) != 1 {
		t.Fatalf("%d slices", len(s))
	}
	ref := metav1.GetControllerOf(&s[0])
	if !strings.HasPrefix(s[0].Name, "web-") || ref == nil || ref.UID != svc.UID || !ptr.Deref(ref.BlockOwnerDeletion, false) ||
		s[0].Labels[discoveryv1.LabelManagedBy] != endpointslice.ControllerName || *s[0].Ports[0].Port != 8080 {
		t.Errorf("slice = %+v", s[0])
	}

	// A pod goes unready, then ready again: the same slice is updated in place.
	e.setReady(t, e.getPod(t, "web-1"), false)
	e.waitEndpoints(t, "web", "web-0=rs", "web-1=", "web-2=rs")
	e.setReady(t, e.getPod(t, "web-1"), true)
	e.waitEndpoints(t, "web", "web-0=rs", "web-1=rs", "web-2=rs")
	if got := e.slices(t, "web"); len(got) != 1 || got[0].Name != s[0].Name {
		t.Errorf("slice replaced: %v", got)
	}

	// Graceful deletion: terminating (still serving) until the pod is gone.
	if err := e.Client.CoreV1().Pods(e.NS).Delete(e.Ctx, "web-2", metav1.DeleteOptions{GracePeriodSeconds: ptr.To[int64](30)}); err != nil {
		t.Fatal(err)
	}
	e.waitEndpoints(t, "web", "web-0=rs", "web-1=rs", "web-2=st")
	if err := e.Client.CoreV1().Pods(e.NS).Delete(e.Ctx, "web-2", metav1.DeleteOptions{GracePeriodSeconds: ptr.To[int64](0)}); err != nil {
		t.Fatal(err)
	}
	e.waitEndpoints(t, "web", "web-0=rs", "web-1=rs")

	// The legacy Endpoints object mirrors the pods.
	e.Eventually(t, "endpoints object", func() bool {
		ep, err := e.Client.CoreV1().Endpoints(e.NS).Get(e.Ctx, "web", metav1.GetOptions{})
		return err == nil && len(ep.Subsets) == 1 && len(ep.Subsets[0].Addresses) == 2 && ep.Subsets[0].Ports[0].Port == 8080
	})

	// Service deletion removes its slices (garbage collector) and its Endpoints.
	if err := e.Client.CoreV1().Services(e.NS).Delete(e.Ctx, "web", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	e.Eventually(t, "slices and endpoints gone", func() bool {
		_, err := e.Client.CoreV1().Endpoints(e.NS).Get(e.Ctx, "web", metav1.GetOptions{})
		return len(e.slices(t, "web")) == 0 && err != nil
	})
}

func TestScaleAndSelectorChange(t *testing.T) {
	e := start(t) // 5 endpoints per slice
	e.service(t, "api", map[string]string{"app": "api"})
	e.Eventually(t, "placeholder slice", func() bool {
		s := e.slices(t, "api")
		return len(s) == 1 && len(s[0].Endpoints) == 0
	})
	for i := range 3 {
		e.pod(t, fmt.Sprintf("api-%d", i), "api", fmt.Sprintf("10.42.1.%d", i+10), true)
	}
	e.waitEndpoints(t, "api", "api-0=rs", "api-1=rs", "api-2=rs")
	var want []string
	for i := range 10 {
		if i >= 3 {
			e.pod(t, fmt.Sprintf("api-%d", i), "api", fmt.Sprintf("10.42.1.%d", i+10), true)
		}
		want = append(want, fmt.Sprintf("api-%d=rs", i))
	}
	slices.Sort(want)
	e.waitEndpoints(t, "api", want...)
	if n := len(e.slices(t, "api")); n != 2 {
		t.Errorf("10 endpoints in %d slices, want 2 of 5", n)
	}
	for i := 2; i < 10; i++ {
		if err := e.Client.CoreV1().Pods(e.NS).Delete(e.Ctx, fmt.Sprintf("api-%d", i), metav1.DeleteOptions{GracePeriodSeconds: ptr.To[int64](0)}); err != nil {
			t.Fatal(err)
		}
	}
	e.waitEndpoints(t, "api", "api-0=rs", "api-1=rs")
	e.Eventually(t, "one slice left", func() bool { return len(e.slices(t, "api")) == 1 })

	// Selector change: the Service now selects other pods.
	e.pod(t, "canary", "canary", "10.42.1.50", false)
	svc, err := e.Client.CoreV1().Services(e.NS).Get(e.Ctx, "api", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	svc.Spec.Selector = map[string]string{"app": "canary"}
	if _, err := e.Client.CoreV1().Services(e.NS).Update(e.Ctx, svc, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	e.waitEndpoints(t, "api", "canary=")
	e.Eventually(t, "endpoints object not ready", func() bool {
		ep, err := e.Client.CoreV1().Endpoints(e.NS).Get(e.Ctx, "api", metav1.GetOptions{})
		return err == nil && len(ep.Subsets) == 1 && len(ep.Subsets[0].Addresses) == 0 &&
			len(ep.Subsets[0].NotReadyAddresses) == 1 && ep.Subsets[0].NotReadyAddresses[0].IP == "10.42.1.50"
	})
}

func TestServiceWithoutSelector(t *testing.T) {
	e := start(t)
	e.service(t, "manual", nil)
	e.service(t, "selected", map[string]string{"app": "x"}) // a marker: once it has a slice, "manual" was synced too
	e.Eventually(t, "slice of the selected service", func() bool { return len(e.slices(t, "selected")) == 1 })
	if s := e.slices(t, "manual"); len(s) != 0 {
		t.Errorf("slices made for a Service without selector: %v", s)
	}
	if _, err := e.Client.CoreV1().Endpoints(e.NS).Get(e.Ctx, "manual", metav1.GetOptions{}); err == nil {
		t.Error("Endpoints made for a Service without selector")
	}
}

// BenchmarkReadyToSlice measures how long a pod's readiness change takes to show in its
// Service's EndpointSlice, through the real API server and watch: write the pod status, then
// wait for the slice event (sequential, so ns/op is the latency).
func BenchmarkReadyToSlice(b *testing.B) {
	e := start(b)
	e.service(b, "web", map[string]string{"app": "web"})
	e.pod(b, "web-0", "web", "10.42.0.10", true)
	w, err := e.Client.DiscoveryV1().EndpointSlices(e.NS).Watch(e.Ctx, metav1.ListOptions{LabelSelector: discoveryv1.LabelServiceName + "=web"})
	if err != nil {
		b.Fatal(err)
	}
	defer w.Stop()
	ready := true
	waitReady := func() {
		for ev := range w.ResultChan() {
			s, ok := ev.Object.(*discoveryv1.EndpointSlice)
			if ok && len(s.Endpoints) == 1 && ptr.Deref(s.Endpoints[0].Conditions.Ready, false) == ready {
				return
			}
		}
		b.Fatal("watch ended")
	}
	waitReady()
	p := e.getPod(b, "web-0")
	for b.Loop() {
		ready = !ready
		p = e.setReady(b, p, ready)
		waitReady()
	}
}

// TestServerRunsEndpointControllers checks the wiring: a full server (every controller)
// gives a Service with a ready pod a slice and an Endpoints object.
func TestServerRunsEndpointControllers(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test: starts etcd and the API server")
	}
	s := servertest.Start(t)
	ctx := t.Context()
	svc := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "web"},
		Spec: corev1.ServiceSpec{Selector: map[string]string{"app": "web"}, Ports: []corev1.ServicePort{{Port: 80}}}}
	if _, err := s.Client.CoreV1().Services("default").Create(ctx, svc, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "web-0", Labels: map[string]string{"app": "web"}},
		Spec: corev1.PodSpec{NodeName: "n1", Containers: []corev1.Container{{Name: "c", Image: "busybox:1.36"}}}}
	p, err := s.Client.CoreV1().Pods("default").Create(ctx, p, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p.Status.Phase, p.Status.PodIP = corev1.PodRunning, "10.42.0.9"
	p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue}}
	if _, err := s.Client.CoreV1().Pods("default").UpdateStatus(ctx, p, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	controllertest.Eventually(t, "slice and endpoints", func(ctx context.Context) (bool, error) {
		sl, err := s.Client.DiscoveryV1().EndpointSlices("default").List(ctx, metav1.ListOptions{LabelSelector: discoveryv1.LabelServiceName + "=web"})
		if err != nil || len(sl.Items) != 1 || len(sl.Items[0].Endpoints) != 1 {
			return false, err
		}
		ep, err := s.Client.CoreV1().Endpoints("default").Get(ctx, "web", metav1.GetOptions{})
		return err == nil && len(ep.Subsets) == 1 && ep.Subsets[0].Addresses[0].IP == "10.42.0.9", nil
	})
}
