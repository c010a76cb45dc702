package proxy_test

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	v1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"

	"skiff/pkg/proxy"
	"skiff/pkg/server/servertest"
)

// recorder is a Backend that keeps the last Ruleset.
type recorder struct {
	mu   sync.Mutex
	last proxy.Ruleset
}

func (r *recorder) Name() string { return "recorder" }
func (r *recorder) Apply(_ context.Context, rs proxy.Ruleset, _ bool) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.last = rs
	return nil
}
func (r *recorder) Cleanup(context.Context) error { return nil }
func (r *recorder) endpoints(id string) []proxy.Endpoint {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range r.last.Services {
		if s.Name == id {
			return s.Internal
		}
	}
	return nil
}

type env struct {
	t      *testing.T
	client kubernetes.Interface
	ctx    context.Context
	rec    *recorder
	proxy  *proxy.Proxy
}

// start runs an API server and a proxy for node-a with a recording backend; nodes node-a
// and node-b are Ready.
func start(t *testing.T, gateTimeout time.Duration) *env {
	if testing.Short() {
		t.Skip("integration test")
	}
	srv := servertest.StartWith(t, servertest.Options{NoControllers: true})
	ctx, cancel := context.WithCancel(context.Background())
	e := &env{t: t, client: srv.Client, ctx: ctx, rec: &recorder{}}
	for _, n := range []string{"node-a", "node-b"} {
		e.readyNode(n)
	}
	e.createNS(proxy.LeaseNamespace)
	p, err := proxy.New(proxy.Config{Client: srv.Client, NodeName: "node-a", Backend: e.rec, GateTimeout: gateTimeout})
	if err != nil {
		t.Fatal(err)
	}
	e.proxy = p
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return e
}

func (e *env) createNS(name string) {
	_, err := e.client.CoreV1().Namespaces().Create(e.ctx, &v1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{})
	if err != nil && !isAlreadyExists(err) {
		e.t.Fatal(err)
	}
}

func (e *env) readyNode(name string) {
	n, err := e.client.CoreV1().Nodes().Create(e.ctx, &v1.Node{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{})
	if err != nil {
		e.t.Fatal(err)
	}
	n.Status.Conditions = []v1.NodeCondition{{Type: v1.NodeReady, Status: v1.ConditionTrue}}
	if _, err := e.client.CoreV1().Nodes().UpdateStatus(e.ctx, n, metav1.UpdateOptions{}); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) service(name, ip string) {
	_, err := e.client.CoreV1().Services("default").Create(e.ctx, &v1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec:       v1.ServiceSpec{ClusterIP: ip, ClusterIPs: []string{ip}, Ports: []v1.ServicePort{{Name: "http", Port: 80}}},
	}, metav1.CreateOptions{})
	if err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) slice(name string, pod *v1.Pod, ready bool) *discoveryv1.EndpointSlice {
	s := &discoveryv1.EndpointSlice{
		ObjectMeta:  metav1.ObjectMeta{Name: name + "-x", Labels: map[string]string{discoveryv1.LabelServiceName: name}},
		AddressType: discoveryv1.AddressTypeIPv4,
		Ports:       []discoveryv1.EndpointPort{{Name: ptr.To("http"), Port: ptr.To(int32(8080))}},
		Endpoints: []discoveryv1.Endpoint{{
			Addresses: []string{pod.Status.PodIP}, NodeName: ptr.To("node-a"),
			TargetRef:  &v1.ObjectReference{Kind: "Pod", Namespace: "default", Name: pod.Name, UID: pod.UID},
			Conditions: discoveryv1.EndpointConditions{Ready: ptr.To(ready), Serving: ptr.To(true), Terminating: ptr.To(!ready)},
		}},
	}
	cur, err := e.client.DiscoveryV1().EndpointSlices("default").Get(e.ctx, s.Name, metav1.GetOptions{})
	if err == nil {
		cur.Endpoints = s.Endpoints
		s, err = e.client.DiscoveryV1().EndpointSlices("default").Update(e.ctx, cur, metav1.UpdateOptions{})
	} else {
		s, err = e.client.DiscoveryV1().EndpointSlices("default").Create(e.ctx, s, metav1.CreateOptions{})
	}
	if err != nil {
		e.t.Fatal(err)
	}
	return s
}

// proxyLease writes node's proxy lease: applied rv, renewed at renew.
func (e *env) proxyLease(node string, rv string, renew time.Time) {
	leases := e.client.CoordinationV1().Leases(proxy.LeaseNamespace)
	l := &coordinationv1.Lease{
		ObjectMeta: metav1.ObjectMeta{Name: proxy.LeasePrefix + node, Annotations: map[string]string{proxy.AppliedAnnotation: rv}},
		Spec:       coordinationv1.LeaseSpec{HolderIdentity: &node, LeaseDurationSeconds: ptr.To(int32(40)), RenewTime: &metav1.MicroTime{Time: renew}},
	}
	cur, err := leases.Get(e.ctx, l.Name, metav1.GetOptions{})
	if err == nil {
		cur.Annotations, cur.Spec = l.Annotations, l.Spec
		_, err = leases.Update(e.ctx, cur, metav1.UpdateOptions{})
	} else {
		_, err = leases.Create(e.ctx, l, metav1.CreateOptions{})
	}
	if err != nil {
		e.t.Fatal(err)
	}
}

// waitApplied waits until node-a's proxy lease says it applied s (its caches then also hold
// every object written before s).
func (e *env) waitApplied(s *discoveryv1.EndpointSlice) {
	e.t.Helper()
	want, _ := strconv.ParseUint(s.ResourceVersion, 10, 64)
	eventually(e.t, "lease with the applied resourceVersion", func() bool {
		l, err := e.client.CoordinationV1().Leases(proxy.LeaseNamespace).Get(e.ctx, proxy.LeasePrefix+"node-a", metav1.GetOptions{})
		if err != nil {
			return false
		}
		got, _ := strconv.ParseUint(l.Annotations[proxy.AppliedAnnotation], 10, 64)
		return got >= want
	})
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func testPod() *v1.Pod {
	return &v1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "web-1", UID: "uid-web-1"},
		Spec:       v1.PodSpec{TerminationGracePeriodSeconds: ptr.To(int64(30))},
		Status:     v1.PodStatus{PodIP: "10.42.0.7"},
	}
}

// TestProxyFollowsEndpointSlices: a slice change reaches the backend, and the proxy lease
// then publishes the slice's resourceVersion.
func TestProxyFollowsEndpointSlices(t *testing.T) {
	e := start(t, 0)
	e.service("web", "10.43.0.50")
	s := e.slice("web", testPod(), true)
	written := time.Now()
	eventually(t, "endpoint in the rules", func() bool { return len(e.rec.endpoints("default/web:http")) == 1 })
	t.Logf("EndpointSlice write to rules applied: %v", time.Since(written).Round(time.Millisecond))
	e.waitApplied(s)
	e.slice("web", testPod(), false) // terminating, still serving: kept while nothing is ready
	time.Sleep(300 * time.Millisecond)
	if got := e.rec.endpoints("default/web:http"); len(got) != 1 {
		t.Fatalf("serving terminating endpoint dropped: %v", got)
	}
}

// TestTerminationGate: the gate holds a pod until its slice shows it not ready and every live
// proxy (here: the real one on node-a and a fake one on node-b) has applied that slice.
func TestTerminationGate(t *testing.T) {
	e := start(t, 20*time.Second)
	e.service("web", "10.43.0.50")
	pod := testPod()
	e.proxyLease("node-b", "0", time.Now())
	e.proxyLease("node-c", "0", time.Now().Add(-time.Minute)) // expired: ignored
	e.waitApplied(e.slice("web", pod, true))
	opened := make(chan error, 1)
	go func() { opened <- e.proxy.TerminationGate(e.ctx, pod) }()
	expectBlocked(t, opened, "endpoint still ready")
	s := e.slice("web", pod, false)
	expectBlocked(t, opened, "node-b has not applied the slice")
	e.proxyLease("node-b", s.ResourceVersion, time.Now())
	select {
	case err := <-opened:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("gate did not open once every proxy applied the slice")
	}
	if err := e.proxy.TerminationGate(e.ctx, pod); err != nil { // a retry passes at once
		t.Fatal(err)
	}
}

// TestTerminationGateBounded: a proxy that never catches up holds the pod only GateTimeout.
func TestTerminationGateBounded(t *testing.T) {
	e := start(t, 500*time.Millisecond)
	e.service("web", "10.43.0.50")
	pod := testPod()
	e.proxyLease("node-b", "0", time.Now())
	e.waitApplied(e.slice("web", pod, false))
	if err := e.proxy.TerminationGate(e.ctx, pod); err == nil {
		t.Fatal("want a timeout error")
	}
	pod2 := testPod()
	pod2.UID, pod2.Status.PodIP = "no-slice", "10.42.0.99"
	if err := e.proxy.TerminationGate(e.ctx, pod2); err != nil { // in no slice: nothing to wait for
		t.Fatal(err)
	}
}

func expectBlocked(t *testing.T, opened chan error, why string) {
	t.Helper()
	select {
	case err := <-opened:
		t.Fatalf("gate opened (%v) although %s", err, why)
	case <-time.After(400 * time.Millisecond):
	}
}

func isAlreadyExists(err error) bool { return apierrors.IsAlreadyExists(err) }
