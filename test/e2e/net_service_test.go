package e2e

import (
	"context"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// webDeployment is a Deployment "web" of three test-server pods, ready on /readyz of the named
// container port http.
const webDeployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      terminationGracePeriodSeconds: 5
      containers:
      - name: web
        image: localhost/testserver:v1
        ports:
        - {name: http, containerPort: 8080}
        readinessProbe:
          httpGet: {path: /readyz, port: http}
          periodSeconds: 1
          failureThreshold: 1
`

// webApp is webDeployment behind a ClusterIP Service ("web", port 80 -> the named container
// port http), a NodePort Service ("web-np") and a headless Service ("web-headless"), plus a
// busybox client pod.
const webApp = webDeployment + `---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
  - {name: http, port: 80, targetPort: http}
---
apiVersion: v1
kind: Service
metadata:
  name: web-np
spec:
  type: NodePort
  selector: {app: web}
  ports:
  - {name: http, port: 80, targetPort: http}
---
apiVersion: v1
kind: Service
metadata:
  name: web-headless
spec:
  clusterIP: None
  selector: {app: web}
  ports:
  - {name: http, port: 8080}
---
apiVersion: v1
kind: Pod
metadata:
  name: client
spec:
  terminationGracePeriodSeconds: 0
  containers:
  - name: sh
    image: localhost/busybox:1.35
    command: ["sleep", "3600"]
`

// startWebApp applies webApp in ns and waits for the Deployment and the client pod.
func startWebApp(t testing.TB, c *cluster, cs kubernetes.Interface, ns string) {
	t.Helper()
	c.must(t, webApp, "apply", "-n", ns, "-f", "-")
	c.must(t, "", "rollout", "status", "-n", ns, "deployment/web", "--timeout=120s")
	waitPod(t, cs, ns, "client", 90*time.Second, "running", running)
}

// webPods lists the Running pods of the web Deployment by name, with their IPs.
func webPods(t testing.TB, cs kubernetes.Interface, ns string) map[string]string {
	t.Helper()
	list, err := cs.CoreV1().Pods(ns).List(context.Background(), metav1.ListOptions{LabelSelector: "app=web"})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, p := range list.Items {
		if p.DeletionTimestamp == nil && p.Status.PodIP != "" {
			out[p.Name] = p.Status.PodIP
		}
	}
	return out
}

// hostnamesFromPod asks url n times from the client pod and returns the answers.
func hostnamesFromPod(t *testing.T, c *cluster, ns, url string, n int) []string {
	t.Helper()
	script := fmt.Sprintf("for i in $(seq %d); do timeout 5 wget -q -O - %s; echo; done", n, url)
	out := c.must(t, "", "exec", "-n", ns, "client", "--", "sh", "-c", script)
	var names []string
	for _, l := range strings.Split(out, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			names = append(names, l)
		}
	}
	return names
}

func distinct(names []string) []string {
	out := slices.Clone(names)
	slices.Sort(out)
	return slices.Compact(out)
}

func serviceOf(t testing.TB, cs kubernetes.Interface, ns, name string) *corev1.Service {
	t.Helper()
	s, err := cs.CoreV1().Services(ns).Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func nodeInternalIP(t *testing.T, cs kubernetes.Interface, node string) string {
	t.Helper()
	n, err := cs.CoreV1().Nodes().Get(context.Background(), node, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range n.Status.Addresses {
		if a.Type == corev1.NodeInternalIP {
			return a.Address
		}
	}
	t.Fatalf("node %s has no InternalIP", node)
	return ""
}

var plainHTTP = &http.Client{Timeout: 3 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}

// get answers the body of a GET, or an error.
func get(url string) (string, error) {
	resp, err := plainHTTP.Get(url)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("%s: %s", url, resp.Status)
	}
	return strings.TrimSpace(string(b)), nil
}

// TestServiceVIPDNSNodePortHeadless exposes a Deployment and reaches it from a pod by DNS name
// (load spread over every ready replica), from the host by NodePort, and by headless DNS; a
// not-ready pod gets no traffic; scaling up reaches the new pods through the VIP.
func TestServiceVIPDNSNodePortHeadless(t *testing.T) {
	c := nodeCluster(t)
	cs := nodeClient(t)
	ns := c.namespace(t, "net-svc")
	startWebApp(t, c, cs, ns)
	pods := webPods(t, cs, ns)
	if len(pods) != 3 {
		t.Fatalf("web pods: %v", pods)
	}
	want := slices.Sorted(maps.Keys(pods))

	// 1. By DNS name through the VIP, from a pod: every ready replica answers.
	url := fmt.Sprintf("http://web.%s.svc.cluster.local/hostname", ns)
	var got []string
	eventually(t, 30*time.Second, "every replica answers through the VIP", func() (bool, string) {
		got = distinct(append(got, hostnamesFromPod(t, c, ns, url, 30)...))
		return slices.Equal(got, want), fmt.Sprintf("got %v, want %v", got, want)
	})
	// The short name resolves through the pod's search path too.
	if names := hostnamesFromPod(t, c, ns, "http://web/hostname", 3); len(names) != 3 {
		t.Fatalf("short name: %v", names)
	}

	// 2. Headless: the name lists the pod IPs.
	out := c.must(t, "", "exec", "-n", ns, "client", "--", "nslookup", fmt.Sprintf("web-headless.%s.svc.cluster.local", ns))
	for name, ip := range pods {
		if !strings.Contains(out, ip) {
			t.Errorf("headless lookup lacks %s (%s):\n%s", name, ip, out)
		}
	}

	// 3. NodePort from the host, on the node IP and on loopback.
	np := serviceOf(t, cs, ns, "web-np").Spec.Ports[0].NodePort
	if np < 30000 || np > 32767 {
		t.Fatalf("nodePort %d outside 30000-32767", np)
	}
	nodeIP := nodeInternalIP(t, cs, nodeName)
	for _, host := range []string{nodeIP, "127.0.0.1"} {
		u := fmt.Sprintf("http://%s/hostname", net.JoinHostPort(host, fmt.Sprint(np)))
		eventually(t, 20*time.Second, "NodePort "+u, func() (bool, string) {
			body, err := get(u)
			if err != nil {
				return false, err.Error()
			}
			return slices.Contains(want, body), "answered " + body
		})
	}

	// 4. A pod made not ready gets no traffic; the others still do.
	unready := want[0]
	if _, err := get(fmt.Sprintf("http://%s/readyz/fail", net.JoinHostPort(pods[unready], "8080"))); err != nil {
		t.Fatal(err)
	}
	waitPod(t, cs, ns, unready, 30*time.Second, "not ready", func(p *corev1.Pod) bool { return !podReady(p) })
	// The endpoint and the proxy rules follow the Ready condition.
	var answers []string
	eventually(t, 20*time.Second, "the not-ready pod leaves the VIP", func() (bool, string) {
		answers = hostnamesFromPod(t, c, ns, url, 20)
		return !slices.Contains(answers, unready), fmt.Sprintf("answers %v", answers)
	})
	answers = hostnamesFromPod(t, c, ns, url, 30)
	if slices.Contains(answers, unready) {
		t.Fatalf("not-ready pod %s answered: %v", unready, answers)
	}
	if d := distinct(answers); len(d) != 2 {
		t.Fatalf("want the 2 ready pods to share the load, got %v", d)
	}

	// 5. Scale up: the VIP reaches the new pods soon after they are ready (measured from the
	//    host through the ClusterIP). The not-ready pod is made ready again first.
	if _, err := get(fmt.Sprintf("http://%s/readyz/ok", net.JoinHostPort(pods[unready], "8080"))); err != nil {
		t.Fatal(err)
	}
	waitPod(t, cs, ns, unready, 30*time.Second, "ready again", podReady)
	vip := serviceOf(t, cs, ns, "web").Spec.ClusterIP
	c.must(t, "", "scale", "-n", ns, "deployment/web", "--replicas=5")
	c.must(t, "", "rollout", "status", "-n", ns, "deployment/web", "--timeout=120s")
	readyAt := time.Now()
	seen := map[string]bool{}
	eventually(t, 30*time.Second, "the VIP reaches the scaled-up pods", func() (bool, string) {
		for range 20 {
			if body, err := get("http://" + vip + "/hostname"); err == nil {
				seen[body] = true
			}
		}
		return len(seen) == 5, fmt.Sprintf("seen %v", seen)
	})
	t.Logf("after scaling to 5, all 5 pods answered through the VIP %v after the rollout was Available", time.Since(readyAt).Round(10*time.Millisecond))
}

// TestStatefulSetPodsResolveEachOther checks hostname.subdomain names of StatefulSet pods.
func TestStatefulSetPodsResolveEachOther(t *testing.T) {
	c := nodeCluster(t)
	cs := nodeClient(t)
	ns := c.namespace(t, "net-sts")
	c.must(t, `apiVersion: v1
kind: Service
metadata:
  name: db
spec:
  clusterIP: None
  selector: {app: db}
  ports:
  - {name: peer, port: 7000}
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: db
  replicas: 2
  selector:
    matchLabels: {app: db}
  template:
    metadata:
      labels: {app: db}
    spec:
      terminationGracePeriodSeconds: 0
      containers:
      - name: sh
        image: localhost/busybox:1.35
        command: ["sleep", "3600"]
`, "apply", "-n", ns, "-f", "-")
	c.must(t, "", "rollout", "status", "-n", ns, "statefulset/db", "--timeout=120s")
	ip1 := getPod(t, cs, ns, "db-1").Status.PodIP
	name := fmt.Sprintf("db-1.db.%s.svc.cluster.local", ns)
	eventually(t, 20*time.Second, "db-0 resolves "+name, func() (bool, string) {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		out, errOut, err := c.kubectl(ctx, "", "exec", "-n", ns, "db-0", "--", "nslookup", name)
		return err == nil && strings.Contains(out, ip1), out + errOut
	})
	// The pod's own FQDN hostname is set as upstream does.
	if out := c.must(t, "", "exec", "-n", ns, "db-0", "--", "hostname"); strings.TrimSpace(out) != "db-0" {
		t.Fatalf("hostname: %q", out)
	}
}

// loadResult counts the requests of a load generator.
type loadResult struct {
	total, failed atomic.Int64
	mu            sync.Mutex
	firstErrs     []string
}

// runLoad sends GETs to url from workers goroutines (keep-alive connections, as a real client
// would use) until ctx ends.
func runLoad(ctx context.Context, url string, workers int) *loadResult {
	r := &loadResult{}
	for range workers {
		go func() {
			client := &http.Client{Timeout: 5 * time.Second}
			for ctx.Err() == nil {
				resp, err := client.Get(url)
				if err == nil {
					_, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if err == nil && resp.StatusCode != http.StatusOK {
						err = fmt.Errorf("status %s", resp.Status)
					}
				}
				if ctx.Err() != nil {
					return
				}
				r.total.Add(1)
				if err != nil {
					r.failed.Add(1)
					r.mu.Lock()
					if len(r.firstErrs) < 5 {
						r.firstErrs = append(r.firstErrs, err.Error())
					}
					r.mu.Unlock()
				}
			}
		}()
	}
	return r
}

// TestRolloutRestartDropsNothing restarts a Deployment behind a Service while clients send
// requests through the VIP without pause: no request may fail, with no preStop sleep in the
// manifest (the test server stops listening at SIGTERM).
func TestRolloutRestartDropsNothing(t *testing.T) {
	c := nodeCluster(t)
	cs := nodeClient(t)
	ns := c.namespace(t, "net-roll")
	startWebApp(t, c, cs, ns)
	vip := serviceOf(t, cs, ns, "web").Spec.ClusterIP
	url := "http://" + vip + "/hostname"
	eventually(t, 20*time.Second, "VIP answers", func() (bool, string) {
		_, err := get(url)
		return err == nil, fmt.Sprint(err)
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := runLoad(ctx, url, 4)
	time.Sleep(2 * time.Second)
	start := time.Now()
	c.must(t, "", "rollout", "restart", "-n", ns, "deployment/web")
	c.must(t, "", "rollout", "status", "-n", ns, "deployment/web", "--timeout=180s")
	// Keep loading while the old pods finish terminating.
	eventually(t, 60*time.Second, "old pods gone", func() (bool, string) {
		pods := webPods(t, cs, ns)
		list, _ := cs.CoreV1().Pods(ns).List(context.Background(), metav1.ListOptions{LabelSelector: "app=web"})
		return len(list.Items) == 3, fmt.Sprintf("%d pods, %d running", len(list.Items), len(pods))
	})
	time.Sleep(2 * time.Second)
	cancel()
	total, failed := r.total.Load(), r.failed.Load()
	t.Logf("rollout restart (%v): %d requests through the VIP, %d failed", time.Since(start).Round(100*time.Millisecond), total, failed)
	if total < 100 {
		t.Fatalf("load generator sent only %d requests", total)
	}
	if failed != 0 {
		t.Fatalf("%d of %d requests failed during the rollout; first errors: %v", failed, total, r.firstErrs)
	}
}

// TestExampleWeb applies examples/web.yaml as the README tells a newcomer to, and reaches it
// by cluster IP and by its NodePort on loopback.
func TestExampleWeb(t *testing.T) {
	c := nodeCluster(t)
	cs := nodeClient(t)
	c.must(t, "", "apply", "-f", "../../examples/web.yaml")
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c.kubectl(ctx, "", "delete", "namespace", "demo", "--wait=false")
	})
	c.must(t, "", "rollout", "status", "-n", "demo", "deployment/web", "--timeout=120s")
	vip := serviceOf(t, cs, "demo", "web").Spec.ClusterIP
	for _, u := range []string{"http://" + vip + "/hostname", "http://127.0.0.1:30080/hostname"} {
		eventually(t, 20*time.Second, u, func() (bool, string) {
			body, err := get(u)
			return err == nil && strings.HasPrefix(body, "web-"), fmt.Sprint(body, err)
		})
	}
}
