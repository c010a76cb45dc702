package apiserver_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"

	clientv3 "go.etcd.io/etcd/client/v3"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"skiff/pkg/apiserver"
	"skiff/pkg/ipalloc"
)

func svc(name string, typ corev1.ServiceType, mutate ...func(*corev1.Service)) *corev1.Service {
	s := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: corev1.ServiceSpec{
		Type: typ, Selector: map[string]string{"app": name},
		Ports: []corev1.ServicePort{{Name: "http", Port: 80}},
	}}
	for _, m := range mutate {
		m(s)
	}
	return s
}

func (ts *testServer) createSvc(s *corev1.Service) (*corev1.Service, error) {
	return ts.kube.CoreV1().Services("default").Create(ts.ctx(), s, metav1.CreateOptions{})
}

func (ts *testServer) mustSvc(s *corev1.Service) *corev1.Service {
	ts.t.Helper()
	out, err := ts.createSvc(s)
	if err != nil {
		ts.t.Fatalf("create service %s: %v", s.Name, err)
	}
	return out
}

// allocated returns the allocation items of kind ("clusterips", "nodeports") recorded in etcd.
func (ts *testServer) allocated(kind string) map[string]string {
	ts.t.Helper()
	held, _, err := (&ipalloc.EtcdBackend{Client: ts.etcd, Prefix: ipalloc.AllocationsPrefix + kind + "/"}).ListRevisions(ts.ctx())
	if err != nil {
		ts.t.Fatal(err)
	}
	return held
}

func wantInvalid(t *testing.T, err error, msg string) {
	t.Helper()
	if codeOf(err) != 422 || !strings.Contains(err.Error(), msg) {
		t.Fatalf("got %v (code %d), want 422 containing %q", err, codeOf(err), msg)
	}
}

func TestServiceAllocationDefaults(t *testing.T) {
	ts := start(t)
	cidr := netip.MustParsePrefix("10.43.0.0/16")
	c := ts.mustSvc(svc("web", corev1.ServiceTypeClusterIP))
	ip, err := netip.ParseAddr(c.Spec.ClusterIP)
	if err != nil || !cidr.Contains(ip) || ip.Less(netip.MustParseAddr("10.43.1.1")) || c.Spec.ClusterIP == "10.43.255.255" {
		t.Fatalf("clusterIP %q: want a dynamic address of 10.43.0.0/16 above the static band 10.43.0.1-10.43.1.0", c.Spec.ClusterIP)
	}
	if len(c.Spec.ClusterIPs) != 1 || c.Spec.ClusterIPs[0] != c.Spec.ClusterIP {
		t.Errorf("clusterIPs %v do not mirror clusterIP", c.Spec.ClusterIPs)
	}
	if len(c.Spec.IPFamilies) != 1 || c.Spec.IPFamilies[0] != corev1.IPv4Protocol || *c.Spec.IPFamilyPolicy != corev1.IPFamilyPolicySingleStack {
		t.Errorf("ipFamilies %v policy %v", c.Spec.IPFamilies, *c.Spec.IPFamilyPolicy)
	}
	if c.Spec.Ports[0].NodePort != 0 {
		t.Errorf("ClusterIP service got nodePort %d", c.Spec.Ports[0].NodePort)
	}
	np := ts.mustSvc(svc("np", corev1.ServiceTypeNodePort, func(s *corev1.Service) {
		s.Spec.Ports = append(s.Spec.Ports, corev1.ServicePort{Name: "dns", Port: 53, Protocol: corev1.ProtocolUDP},
			corev1.ServicePort{Name: "dns-tcp", Port: 53, Protocol: corev1.ProtocolTCP})
	}))
	p := np.Spec.Ports
	if p[0].NodePort < 30000 || p[0].NodePort > 32767 || p[1].NodePort == p[0].NodePort || p[1].NodePort != p[2].NodePort {
		t.Errorf("node ports %d %d %d: want in range, one per port number", p[0].NodePort, p[1].NodePort, p[2].NodePort)
	}
	lb := ts.mustSvc(svc("lb", corev1.ServiceTypeLoadBalancer, func(s *corev1.Service) {
		s.Spec.ExternalTrafficPolicy = corev1.ServiceExternalTrafficPolicyLocal
	}))
	if lb.Spec.HealthCheckNodePort == 0 || lb.Spec.Ports[0].NodePort == 0 || lb.Spec.HealthCheckNodePort == lb.Spec.Ports[0].NodePort {
		t.Errorf("LoadBalancer Local: nodePort %d healthCheckNodePort %d", lb.Spec.Ports[0].NodePort, lb.Spec.HealthCheckNodePort)
	}
	headless := ts.mustSvc(svc("headless", corev1.ServiceTypeClusterIP, func(s *corev1.Service) { s.Spec.ClusterIP = "None" }))
	if headless.Spec.ClusterIP != "None" || len(headless.Spec.ClusterIPs) != 1 || headless.Spec.ClusterIPs[0] != "None" {
		t.Errorf("headless: clusterIP %q clusterIPs %v", headless.Spec.ClusterIP, headless.Spec.ClusterIPs)
	}
	ext := ts.mustSvc(svc("ext", corev1.ServiceTypeExternalName, func(s *corev1.Service) { s.Spec.ExternalName = "example.com" }))
	if ext.Spec.ClusterIP != "" || len(ext.Spec.ClusterIPs) != 0 {
		t.Errorf("ExternalName got clusterIP %q %v", ext.Spec.ClusterIP, ext.Spec.ClusterIPs)
	}
	if ips := ts.allocated("clusterips"); len(ips) != 3 || ips[c.Spec.ClusterIP] != "default/web" {
		t.Errorf("recorded cluster IPs %v: want web, np and lb", ips)
	}
	if ports := ts.allocated("nodeports"); len(ports) != 4 {
		t.Errorf("recorded node ports %v: want np's 2 and lb's 2", ports)
	}
}

func TestServiceAllocationClashes(t *testing.T) {
	ts := start(t)
	ts.mustSvc(svc("a", corev1.ServiceTypeNodePort, func(s *corev1.Service) {
		s.Spec.ClusterIP, s.Spec.Ports[0].NodePort = "10.43.0.5", 30080
	}))
	_, err := ts.createSvc(svc("b", corev1.ServiceTypeClusterIP, func(s *corev1.Service) { s.Spec.ClusterIP = "10.43.0.5" }))
	wantInvalid(t, err, `spec.clusterIPs: Invalid value: "10.43.0.5": provided IP is already allocated`)
	_, err = ts.createSvc(svc("b", corev1.ServiceTypeClusterIP, func(s *corev1.Service) { s.Spec.ClusterIPs = []string{"10.44.0.5"} }))
	wantInvalid(t, err, `spec.clusterIPs: Invalid value: "10.44.0.5": provided IP is not in the valid range. The range of valid IPs is 10.43.0.0/16`)
	_, err = ts.createSvc(svc("b", corev1.ServiceTypeClusterIP, func(s *corev1.Service) { s.Spec.ClusterIP = "10.43.255.255" }))
	wantInvalid(t, err, "provided IP is not in the valid range")
	_, err = ts.createSvc(svc("b", corev1.ServiceTypeNodePort, func(s *corev1.Service) { s.Spec.Ports[0].NodePort = 30080 }))
	wantInvalid(t, err, "spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated")
	_, err = ts.createSvc(svc("b", corev1.ServiceTypeNodePort, func(s *corev1.Service) { s.Spec.Ports[0].NodePort = 8080 }))
	wantInvalid(t, err, "spec.ports[0].nodePort: Invalid value: 8080: provided port is not in the valid range. The range of valid ports is 30000-32767")
	// None of the failed creates kept an allocation.
	if ips, ports := ts.allocated("clusterips"), ts.allocated("nodeports"); len(ips) != 1 || len(ports) != 1 {
		t.Fatalf("after failed creates: cluster IPs %v node ports %v, want only a's", ips, ports)
	}
	// The `kubernetes` Service's address is given on request only.
	k := ts.mustSvc(svc("kubernetes", corev1.ServiceTypeClusterIP, func(s *corev1.Service) { s.Spec.ClusterIP = "10.43.0.1" }))
	if k.Spec.ClusterIP != "10.43.0.1" {
		t.Fatalf("clusterIP %s", k.Spec.ClusterIP)
	}
}

func TestServiceAllocationRollback(t *testing.T) {
	ts := start(t)
	ts.mustSvc(svc("a", corev1.ServiceTypeClusterIP))
	// The write fails (the name exists): the requested IP and port are released.
	_, err := ts.createSvc(svc("a", corev1.ServiceTypeNodePort, func(s *corev1.Service) {
		s.Spec.ClusterIP, s.Spec.Ports[0].NodePort = "10.43.0.7", 30007
	}))
	if codeOf(err) != 409 {
		t.Fatalf("duplicate create: %v", err)
	}
	// The IP is free but the node port clashes: the IP claimed first is released.
	ts.mustSvc(svc("p", corev1.ServiceTypeNodePort, func(s *corev1.Service) { s.Spec.Ports[0].NodePort = 30008 }))
	_, err = ts.createSvc(svc("b", corev1.ServiceTypeNodePort, func(s *corev1.Service) {
		s.Spec.ClusterIP, s.Spec.Ports[0].NodePort = "10.43.0.8", 30008
	}))
	wantInvalid(t, err, "provided port is already allocated")
	ts.mustSvc(svc("c", corev1.ServiceTypeNodePort, func(s *corev1.Service) {
		s.Spec.ClusterIP, s.Spec.Ports[0].NodePort = "10.43.0.7", 30007
	}))
	ts.mustSvc(svc("d", corev1.ServiceTypeClusterIP, func(s *corev1.Service) { s.Spec.ClusterIP = "10.43.0.8" }))
}

func TestServiceAllocationDelete(t *testing.T) {
	ts := start(t)
	a := ts.mustSvc(svc("a", corev1.ServiceTypeNodePort))
	if err := ts.kube.CoreV1().Services("default").Delete(ts.ctx(), "a", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	if ips, ports := ts.allocated("clusterips"), ts.allocated("nodeports"); len(ips)+len(ports) != 0 {
		t.Fatalf("after delete: %v %v", ips, ports)
	}
	b := ts.mustSvc(svc("b", corev1.ServiceTypeNodePort, func(s *corev1.Service) {
		s.Spec.ClusterIP, s.Spec.Ports[0].NodePort = a.Spec.ClusterIP, a.Spec.Ports[0].NodePort
	}))
	// A Service held by a finalizer keeps its addresses until it is really gone.
	b.Finalizers = []string{"example.com/hold"}
	if _, err := ts.kube.CoreV1().Services("default").Update(ts.ctx(), b, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := ts.kube.CoreV1().Services("default").Delete(ts.ctx(), "b", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	if ips := ts.allocated("clusterips"); len(ips) != 1 {
		t.Fatalf("terminating service lost its IP: %v", ips)
	}
	patch := []byte(`{"metadata":{"finalizers":null}}`)
	if _, err := ts.kube.CoreV1().Services("default").Patch(ts.ctx(), "b", types.MergePatchType, patch, metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	if ips, ports := ts.allocated("clusterips"), ts.allocated("nodeports"); len(ips)+len(ports) != 0 {
		t.Fatalf("after finalized delete: %v %v", ips, ports)
	}
}

func TestServiceAllocationConcurrentCreates(t *testing.T) {
	ts := start(t)
	const n = 50
	var wg sync.WaitGroup
	var mu sync.Mutex
	ips, ports := map[string]string{}, map[int32]string{}
	for i := range n {
		wg.Go(func() {
			name := fmt.Sprintf("s%d", i)
			out, err := ts.kube.CoreV1().Services("default").Create(context.Background(), svc(name, corev1.ServiceTypeNodePort), metav1.CreateOptions{})
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				t.Errorf("create %s: %v", name, err)
				return
			}
			if other, dup := ips[out.Spec.ClusterIP]; dup {
				t.Errorf("%s and %s both got %s", name, other, out.Spec.ClusterIP)
			}
			if other, dup := ports[out.Spec.Ports[0].NodePort]; dup {
				t.Errorf("%s and %s both got node port %d", name, other, out.Spec.Ports[0].NodePort)
			}
			ips[out.Spec.ClusterIP], ports[out.Spec.Ports[0].NodePort] = name, name
		})
	}
	wg.Wait()
	if got := ts.allocated("clusterips"); len(got) != n {
		t.Errorf("%d cluster IPs recorded, want %d", len(got), n)
	}
}

func TestServiceTypeChanges(t *testing.T) {
	ts := start(t)
	svcs := ts.kube.CoreV1().Services("default")
	a := ts.mustSvc(svc("a", corev1.ServiceTypeClusterIP))
	ip := a.Spec.ClusterIP
	// ClusterIP -> NodePort allocates a node port and keeps the IP (a replace without clusterIP).
	a.Spec.Type, a.Spec.ClusterIP, a.Spec.ClusterIPs = corev1.ServiceTypeNodePort, "", nil
	a, err := svcs.Update(ts.ctx(), a, metav1.UpdateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	port := a.Spec.Ports[0].NodePort
	if a.Spec.ClusterIP != ip || port == 0 {
		t.Fatalf("after ClusterIP->NodePort: clusterIP %s (was %s) nodePort %d", a.Spec.ClusterIP, ip, port)
	}
	// Changing the cluster IP is refused.
	a.Spec.ClusterIP, a.Spec.ClusterIPs = "10.43.9.9", []string{"10.43.9.9"}
	_, err = svcs.Update(ts.ctx(), a, metav1.UpdateOptions{})
	wantInvalid(t, err, "field is immutable")
	// Changing the node port claims the new one and frees the old one.
	patch := fmt.Sprintf(`{"spec":{"ports":[{"port":80,"nodePort":%d}]}}`, 31999)
	if _, err := svcs.Patch(ts.ctx(), "a", types.StrategicMergePatchType, []byte(patch), metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	if got := ts.allocated("nodeports"); len(got) != 1 || got["31999"] != "default/a" {
		t.Fatalf("after nodePort change: %v", got)
	}
	// NodePort -> ClusterIP drops and frees the node ports.
	a, err = svcs.Patch(ts.ctx(), "a", types.MergePatchType, []byte(`{"spec":{"type":"ClusterIP"}}`), metav1.PatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if a.Spec.Ports[0].NodePort != 0 || len(ts.allocated("nodeports")) != 0 {
		t.Fatalf("after NodePort->ClusterIP: nodePort %d, recorded %v", a.Spec.Ports[0].NodePort, ts.allocated("nodeports"))
	}
	// ClusterIP -> ExternalName frees the IP; back to ClusterIP allocates one.
	a, err = svcs.Patch(ts.ctx(), "a", types.MergePatchType, []byte(`{"spec":{"type":"ExternalName","externalName":"example.com"}}`), metav1.PatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if a.Spec.ClusterIP != "" || len(ts.allocated("clusterips")) != 0 {
		t.Fatalf("after ->ExternalName: clusterIP %q recorded %v", a.Spec.ClusterIP, ts.allocated("clusterips"))
	}
	a, err = svcs.Patch(ts.ctx(), "a", types.MergePatchType, []byte(`{"spec":{"type":"ClusterIP","externalName":null}}`), metav1.PatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if a.Spec.ClusterIP == "" || ts.allocated("clusterips")[a.Spec.ClusterIP] != "default/a" {
		t.Fatalf("after ExternalName->ClusterIP: clusterIP %q recorded %v", a.Spec.ClusterIP, ts.allocated("clusterips"))
	}
	// A failed update (node port clash) leaves the allocations as they were.
	ts.mustSvc(svc("b", corev1.ServiceTypeNodePort, func(s *corev1.Service) { s.Spec.Ports[0].NodePort = 30500 }))
	_, err = svcs.Patch(ts.ctx(), "a", types.MergePatchType, []byte(`{"spec":{"type":"NodePort","ports":[{"port":80,"nodePort":30500}]}}`), metav1.PatchOptions{})
	wantInvalid(t, err, "provided port is already allocated")
	if got := ts.allocated("nodeports"); len(got) != 1 {
		t.Fatalf("after failed update: %v", got)
	}
}

func TestServiceAllocationDryRun(t *testing.T) {
	ts := start(t)
	dry := metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}}
	out, err := ts.kube.CoreV1().Services("default").Create(ts.ctx(), svc("a", corev1.ServiceTypeNodePort), dry)
	if err != nil {
		t.Fatal(err)
	}
	if out.Spec.ClusterIP == "" || out.Spec.Ports[0].NodePort == 0 {
		t.Errorf("dry run shows no addresses: %q %d", out.Spec.ClusterIP, out.Spec.Ports[0].NodePort)
	}
	_, err = ts.kube.CoreV1().Services("default").Create(ts.ctx(), svc("a", corev1.ServiceTypeNodePort, func(s *corev1.Service) {
		s.Spec.ClusterIP, s.Spec.Ports[0].NodePort = "10.43.0.9", 30009
	}), dry)
	if err != nil {
		t.Fatal(err)
	}
	if ips, ports := ts.allocated("clusterips"), ts.allocated("nodeports"); len(ips)+len(ports) != 0 {
		t.Fatalf("dry run allocated %v %v", ips, ports)
	}
	ts.mustSvc(svc("real", corev1.ServiceTypeClusterIP, func(s *corev1.Service) { s.Spec.ClusterIP = "10.43.0.9" }))
	_, err = ts.kube.CoreV1().Services("default").Create(ts.ctx(), svc("a", corev1.ServiceTypeClusterIP, func(s *corev1.Service) {
		s.Spec.ClusterIP = "10.43.0.9"
	}), dry)
	wantInvalid(t, err, "provided IP is already allocated")
}

// secondServer is another API server over ts's etcd (a restart, or a second control plane).
func secondServer(t *testing.T, ts *testServer) (*apiserver.Server, kubernetes.Interface) {
	api, err := apiserver.New(apiserver.Config{Etcd: ts.etcd})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(api)
	t.Cleanup(hs.Close)
	return api, kubernetes.NewForConfigOrDie(&rest.Config{Host: hs.URL, QPS: -1})
}

func TestServiceAllocationSharedAcrossServers(t *testing.T) {
	ts := start(t)
	a := ts.mustSvc(svc("a", corev1.ServiceTypeNodePort))
	_, kube2 := secondServer(t, ts)
	_, err := kube2.CoreV1().Services("default").Create(ts.ctx(), svc("b", corev1.ServiceTypeClusterIP, func(s *corev1.Service) {
		s.Spec.ClusterIP = a.Spec.ClusterIP
	}), metav1.CreateOptions{})
	wantInvalid(t, err, "provided IP is already allocated")
	var wg sync.WaitGroup
	got := make([]string, 40)
	for i := range got {
		kube := ts.kube
		if i%2 == 1 {
			kube = kube2
		}
		wg.Go(func() {
			out, err := kube.CoreV1().Services("default").Create(context.Background(), svc(fmt.Sprint("c", i), corev1.ServiceTypeClusterIP), metav1.CreateOptions{})
			if err != nil {
				t.Errorf("create: %v", err)
				return
			}
			got[i] = out.Spec.ClusterIP
		})
	}
	wg.Wait()
	seen := map[string]bool{a.Spec.ClusterIP: true}
	for _, ip := range got {
		if seen[ip] {
			t.Errorf("%s given twice", ip)
		}
		seen[ip] = true
	}
}

func TestServiceAllocationRepair(t *testing.T) {
	ts := start(t)
	a := ts.mustSvc(svc("a", corev1.ServiceTypeNodePort))
	api, _ := secondServer(t, ts)
	// A lost allocation (a Service stored before allocation existed) is recorded again...
	if _, err := ts.etcd.Delete(ts.ctx(), ipalloc.AllocationsPrefix, clientv3.WithPrefix()); err != nil {
		t.Fatal(err)
	}
	// ...and a leaked one (no Service holds it) is freed on the second pass.
	leak := ipalloc.AllocationsPrefix + "clusterips/10.43.3.3"
	if _, err := ts.etcd.Put(ts.ctx(), leak, "default/gone"); err != nil {
		t.Fatal(err)
	}
	if err := api.RepairAllocations(ts.ctx()); err != nil {
		t.Fatal(err)
	}
	ips := ts.allocated("clusterips")
	if ips[a.Spec.ClusterIP] != "default/a" || ts.allocated("nodeports")[fmt.Sprint(a.Spec.Ports[0].NodePort)] != "default/a" {
		t.Fatalf("repair did not record a's addresses: %v %v", ips, ts.allocated("nodeports"))
	}
	if ips["10.43.3.3"] == "" {
		t.Fatal("a suspected leak was freed on the first pass")
	}
	if err := api.RepairAllocations(ts.ctx()); err != nil {
		t.Fatal(err)
	}
	if got := ts.allocated("clusterips"); len(got) != 1 {
		t.Fatalf("after second pass: %v, want only a's", got)
	}
}
