package e2e

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"

	"skiff/pkg/imagebuild"
)

// hostNet is a small network made for one test: a bridge in the test's namespace with an
// address, and one network namespace per node, each joined to the bridge by a veth and given
// its own address. The test process reaches every node through the bridge.
type hostNet struct {
	bridge string
	nss    []string
}

// mustRun runs a command and fails the test on an error.
func mustRun(t *testing.T, name string, args ...string) {
	t.Helper()
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

// newHostNet makes the bridge (10.99.0.1/24) and len(nodes) namespaces 10.99.0.2, .3, ...
func newHostNet(t *testing.T, tag string, nodes int) *hostNet {
	t.Helper()
	h := &hostNet{bridge: "skbr" + tag}
	t.Cleanup(h.remove)
	mustRun(t, "ip", "link", "add", h.bridge, "type", "bridge")
	mustRun(t, "ip", "addr", "add", "10.99.0.1/24", "dev", h.bridge)
	mustRun(t, "ip", "link", "set", h.bridge, "up")
	for i := range nodes {
		ns := fmt.Sprintf("sk%s%c", tag, 'a'+i)
		h.nss = append(h.nss, ns)
		veth := "v" + ns
		mustRun(t, "ip", "netns", "add", ns)
		mustRun(t, "ip", "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns)
		mustRun(t, "ip", "link", "set", veth, "master", h.bridge, "up")
		mustRun(t, "ip", "-n", ns, "addr", "add", fmt.Sprintf("10.99.0.%d/24", i+2), "dev", "eth0")
		mustRun(t, "ip", "-n", ns, "link", "set", "eth0", "up")
		mustRun(t, "ip", "-n", ns, "link", "set", "lo", "up")
		mustRun(t, "ip", "-n", ns, "route", "add", "default", "via", "10.99.0.1")
	}
	return h
}

func (h *hostNet) remove() {
	for _, ns := range h.nss {
		exec.Command("ip", "link", "del", "v"+ns).Run()
		exec.Command("ip", "netns", "del", ns).Run()
	}
	exec.Command("ip", "link", "del", h.bridge).Run()
}

// nodeIP is the address of node i (0-based).
func (h *hostNet) nodeIP(i int) string { return fmt.Sprintf("10.99.0.%d", i+2) }

// command runs bin args inside node i's namespace (nsenter, not `ip netns exec`, which
// remounts /sys and breaks runc).
func (h *hostNet) command(i int, bin string, args ...string) *exec.Cmd {
	return exec.Command("nsenter", append([]string{"--net=/var/run/netns/" + h.nss[i], bin}, args...)...)
}

// removeAllSandboxes stops and removes every pod sandbox of the containerd at socket, so its
// containers end and their network is torn down; errors are ignored (clean-up).
func removeAllSandboxes(socket string) {
	conn, err := grpc.NewClient("unix://"+socket, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return
	}
	defer conn.Close()
	rt := runtimeapi.NewRuntimeServiceClient(conn)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	list, err := rt.ListPodSandbox(ctx, &runtimeapi.ListPodSandboxRequest{})
	if err != nil {
		return
	}
	for _, s := range list.Items {
		rt.StopPodSandbox(ctx, &runtimeapi.StopPodSandboxRequest{PodSandboxId: s.Id})
		rt.RemovePodSandbox(ctx, &runtimeapi.RemovePodSandboxRequest{PodSandboxId: s.Id})
	}
}

// TestTwoNodesInNetworkNamespaces runs a server (with its node) and a joined agent, each in
// its own network namespace: a pod on node A reaches a pod on node B by its IP, and a Service
// whose endpoints are all on node B by name; when node B's agent dies, its pods are replaced
// on node A.
func TestTwoNodesInNetworkNamespaces(t *testing.T) {
	if skip := nodeSkipReason(); skip != "" {
		t.Skip(skip)
	}
	for _, bin := range []string{"ip", "nsenter"} {
		if _, err := exec.LookPath(bin); err != nil {
			t.Skip(bin + " not installed")
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	images, err := imagebuild.Ensure(ctx, imagebuild.Options{OutDir: imagebuild.CacheDir()})
	if err != nil {
		t.Fatal(err)
	}
	tag := fmt.Sprint(os.Getpid() % 10000)
	h := newHostNet(t, tag, 2)
	var dirs [2]string
	for i := range dirs {
		if dirs[i], err = nodeDataDir("skm", images); err != nil {
			t.Fatal(err)
		}
	}
	agentB := filepath.Join(dirs[1], "agent")

	// Node A: `skiff server` with its in-process agent.
	a := &cluster{bin: shared.bin, dir: dirs[0], kubeconfig: filepath.Join(dirs[0], "kubeconfig.yaml"),
		url: "https://" + h.nodeIP(0) + ":6443", log: &bytes.Buffer{}}
	a.cmd = h.command(0, shared.bin, "server", "--data-dir", dirs[0], "--bind-address", h.nodeIP(0),
		"--tls-san", h.nodeIP(0), "--node-name", "node-a", "--node-ip", h.nodeIP(0))
	// Node B: `skiff agent` joined with the token, started once A is up.
	logB := &bytes.Buffer{}
	var b *exec.Cmd
	t.Cleanup(func() {
		// Pods go away without the kubelets: force-delete them (node B is dead), then remove
		// the sandboxes through each containerd so containers and their networks end.
		if a.cmd.Process != nil && a.cmd.ProcessState == nil {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			a.kubectl(ctx, "", "delete", "pods", "--all", "-A", "--grace-period=0", "--force")
			cancel()
		}
		removeAllSandboxes(filepath.Join(dirs[0], "agent", "containerd", "containerd.sock"))
		removeAllSandboxes(filepath.Join(agentB, "containerd", "containerd.sock"))
		if a.cmd.Process != nil && a.cmd.ProcessState == nil {
			a.stop()
		}
		if b != nil && b.Process != nil {
			b.Process.Kill()
			b.Wait()
		}
		if t.Failed() {
			t.Logf("node A (server) log (tail):\n%s", tail(a.log.String(), 6000))
			t.Logf("node B (agent) log (tail):\n%s", tail(logB.String(), 6000))
		}
		for _, d := range dirs {
			killUnder(d)
			unmountUnder(d)
			os.RemoveAll(d)
		}
	})
	if err := a.start(); err != nil {
		t.Fatal(err)
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", a.kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	cs := kubernetes.NewForConfigOrDie(cfg)
	b = h.command(1, shared.bin, "agent", "--server", a.url, "--token-file", filepath.Join(dirs[0], "token"),
		"--node-name", "node-b", "--node-ip", h.nodeIP(1), "--data-dir", agentB)
	b.Stdout, b.Stderr = logB, logB
	if err := b.Start(); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"node-a", "node-b"} {
		if err := waitNodeReady(cs, n, 3*time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	cidrs := map[string]string{}
	eventually(t, 30*time.Second, "both nodes have a pod CIDR", func() (bool, string) {
		for _, n := range []string{"node-a", "node-b"} {
			node, err := cs.CoreV1().Nodes().Get(context.Background(), n, metav1.GetOptions{})
			if err != nil || node.Spec.PodCIDR == "" {
				return false, fmt.Sprint(n, err)
			}
			cidrs[n] = node.Spec.PodCIDR
		}
		return cidrs["node-a"] != cidrs["node-b"], fmt.Sprint(cidrs)
	})

	// The web Deployment lands on node B (A cordoned meanwhile); the client pod runs on A.
	ns := "multi"
	a.must(t, "", "create", "namespace", ns)
	a.must(t, "", "cordon", "node-a")
	a.must(t, strings.Replace(webApp, "replicas: 3", "replicas: 2", 1), "apply", "-n", ns, "-f", "-")
	a.must(t, "", "rollout", "status", "-n", ns, "deployment/web", "--timeout=120s")
	a.must(t, "", "uncordon", "node-a")
	a.must(t, `apiVersion: v1
kind: Pod
metadata:
  name: client-a
spec:
  nodeName: node-a
  terminationGracePeriodSeconds: 0
  containers:
  - name: sh
    image: localhost/busybox:1.35
    command: ["sleep", "3600"]
`, "apply", "-n", ns, "-f", "-")
	// (webApp's own client pod was scheduled while A was cordoned: it runs on B.)
	waitPod(t, cs, ns, "client-a", 90*time.Second, "running", running)
	pods, err := cs.CoreV1().Pods(ns).List(context.Background(), metav1.ListOptions{LabelSelector: "app=web"})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pods.Items {
		if p.Spec.NodeName != "node-b" {
			t.Fatalf("pod %s on %s, want node-b", p.Name, p.Spec.NodeName)
		}
	}
	execA := func(script string) (string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		out, errOut, err := a.kubectl(ctx, "", "exec", "-n", ns, "client-a", "--", "sh", "-c", script)
		if err != nil {
			return out, fmt.Errorf("%v: %s", err, errOut)
		}
		return strings.TrimSpace(out), nil
	}
	// Pod to pod across nodes, by pod IP.
	target := pods.Items[0]
	eventually(t, 30*time.Second, "client-a reaches "+target.Name+" on node B by pod IP", func() (bool, string) {
		out, err := execA(fmt.Sprintf("timeout 5 wget -q -O - http://%s:8080/hostname", target.Status.PodIP))
		return err == nil && out == target.Name, fmt.Sprint(out, err)
	})
	// Service by DNS name, endpoints only on node B.
	eventually(t, 30*time.Second, "client-a reaches the web Service by name", func() (bool, string) {
		out, err := execA(fmt.Sprintf("timeout 5 wget -q -O - http://web.%s.svc.cluster.local/hostname", ns))
		return err == nil && strings.HasPrefix(out, "web-"), fmt.Sprint(out, err)
	})

	// Node B dies (its agent is killed; its containers go on but nobody reports them).
	b.Process.Kill()
	b.Wait()
	killed := time.Now()
	eventually(t, 3*time.Minute, "web pods replaced on node A", func() (bool, string) {
		list, err := cs.CoreV1().Pods(ns).List(context.Background(), metav1.ListOptions{LabelSelector: "app=web"})
		if err != nil {
			return false, err.Error()
		}
		n := 0
		var states []string
		for _, p := range list.Items {
			states = append(states, fmt.Sprintf("%s@%s:%s ready=%v deleting=%v", p.Name, p.Spec.NodeName, p.Status.Phase, podReady(&p), p.DeletionTimestamp != nil))
			if p.Spec.NodeName == "node-a" && p.DeletionTimestamp == nil && podReady(&p) {
				n++
			}
		}
		return n == 2, strings.Join(states, ", ")
	})
	t.Logf("node B's pods were replaced on node A %v after its agent was killed", time.Since(killed).Round(time.Second))
	eventually(t, 30*time.Second, "the Service answers from node A's pods", func() (bool, string) {
		out, err := execA(fmt.Sprintf("timeout 5 wget -q -O - http://web.%s.svc.cluster.local/hostname", ns))
		if err != nil {
			return false, err.Error()
		}
		p, err := cs.CoreV1().Pods(ns).Get(context.Background(), out, metav1.GetOptions{})
		return err == nil && p.Spec.NodeName == "node-a", out
	})
	node, err := cs.CoreV1().Nodes().Get(context.Background(), "node-b", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range node.Status.Conditions {
		if c.Type == corev1.NodeReady && c.Status == corev1.ConditionTrue {
			t.Errorf("node-b still Ready after its agent died")
		}
	}
}
