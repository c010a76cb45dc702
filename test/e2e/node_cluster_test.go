package e2e

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"skiff/pkg/imagebuild"
)

// nodeName is the node of the shared node cluster.
const nodeName = "e2e-node"

// nodeBridge is the CNI bridge the kubelet creates (its default name); proxyTable is the
// nftables table of the node's service proxy. Both outlive the server, as upstream's do.
const (
	nodeBridge = "skiff0"
	proxyTable = "skiff-proxy"
)

// nodeEnv is the node cluster shared by every node test of the package run: `skiff server`
// with its in-process agent on a real containerd. It starts on first use (nodeCluster) and
// stops at the end of TestMain (stopNodeCluster).
var nodeEnv struct {
	once      sync.Once
	c         *cluster
	client    kubernetes.Interface
	skip      string
	err       error
	hadBridge bool
	hadTable  bool
}

// nodeCluster returns the shared node cluster, starting it on the first call. It skips the
// test unless root with containerd, ctr and runc installed.
func nodeCluster(t testing.TB) *cluster {
	t.Helper()
	nodeEnv.once.Do(func() { nodeEnv.skip, nodeEnv.err = startNodeEnv() })
	if nodeEnv.skip != "" {
		t.Skip(nodeEnv.skip)
	}
	if nodeEnv.err != nil {
		t.Fatalf("node cluster: %v", nodeEnv.err)
	}
	return nodeEnv.c
}

// nodeClient is a client-go client of the shared node cluster.
func nodeClient(t testing.TB) kubernetes.Interface {
	nodeCluster(t)
	return nodeEnv.client
}

// nodeSkipReason says why node tests cannot run here, or "".
func nodeSkipReason() string {
	if os.Geteuid() != 0 {
		return "node tests need root"
	}
	for _, bin := range []string{"containerd", "ctr", "runc"} {
		if _, err := exec.LookPath(bin); err != nil {
			return bin + " not installed (make deps)"
		}
	}
	return ""
}

// startNodeEnv builds the images (cached under $TMPDIR/skiff-test-images), puts them in a
// fresh data dir and starts the server there, then waits for the node to be Ready.
func startNodeEnv() (skip string, err error) {
	if skip := nodeSkipReason(); skip != "" {
		return skip, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	images, err := imagebuild.Ensure(ctx, imagebuild.Options{OutDir: imagebuild.CacheDir()})
	if err != nil {
		return "", fmt.Errorf("build images: %w", err)
	}
	dir, err := nodeDataDir("skn", images)
	if err != nil {
		return "", err
	}
	_, err = net.InterfaceByName(nodeBridge)
	nodeEnv.hadBridge = err == nil
	nodeEnv.hadTable = exec.Command("nft", "list", "table", "ip", proxyTable).Run() == nil
	port := freePort()
	c := &cluster{bin: shared.bin, dir: dir, kubeconfig: filepath.Join(dir, "kubeconfig.yaml"), url: fmt.Sprintf("https://127.0.0.1:%d", port), log: &bytes.Buffer{}}
	c.cmd = exec.Command(c.bin, "server", "--data-dir", dir, "--https-port", fmt.Sprint(port),
		"--etcd-client-port", fmt.Sprint(freePort()), "--etcd-peer-port", fmt.Sprint(freePort()),
		"--kubelet-port", fmt.Sprint(freePort()), "--node-name", nodeName)
	nodeEnv.c = c
	if err := c.start(); err != nil {
		return "", err
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", c.kubeconfig)
	if err != nil {
		return "", err
	}
	cfg.QPS, cfg.Burst = 50, 100
	if nodeEnv.client, err = kubernetes.NewForConfig(cfg); err != nil {
		return "", err
	}
	return "", waitNodeReady(nodeEnv.client, nodeName, 2*time.Minute)
}

// start runs c.cmd's command line (again) and waits for /readyz.
func (c *cluster) start() error {
	c.cmd = exec.Command(c.cmd.Args[0], c.cmd.Args[1:]...)
	c.cmd.Stdout, c.cmd.Stderr = c.log, c.log
	if err := c.cmd.Start(); err != nil {
		return err
	}
	if err := c.waitReady(90 * time.Second); err != nil {
		return fmt.Errorf("%w\n%s", err, tail(c.log.String(), 4000))
	}
	return nil
}

// restart stops the server (SIGINT, as a user would) and starts it again on the same data dir.
func (c *cluster) restart(t *testing.T) {
	t.Helper()
	c.stop()
	fmt.Fprintf(c.log, "\n--- e2e: server restarted ---\n")
	if err := c.start(); err != nil {
		t.Fatal(err)
	}
}

// waitNodeReady waits until the named node exists with its Ready condition True.
func waitNodeReady(cs kubernetes.Interface, node string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		n, err := cs.CoreV1().Nodes().Get(context.Background(), node, metav1.GetOptions{})
		if err == nil {
			for _, c := range n.Status.Conditions {
				if c.Type == corev1.NodeReady && c.Status == corev1.ConditionTrue {
					return nil
				}
			}
		}
		time.Sleep(300 * time.Millisecond)
	}
	return fmt.Errorf("node %s not Ready after %v", node, timeout)
}

// stopNodeCluster deletes the pods left in the node cluster, stops the server, and removes
// what the run left on the host: shims and containers of its containerd, mounts under its data
// dir, and the CNI bridge and proxy table if the run created them. It prints the server log when
// failed.
func stopNodeCluster(failed bool) {
	c := nodeEnv.c
	if c == nil {
		return
	}
	if c.cmd.Process != nil && c.cmd.ProcessState == nil {
		deleteAllPods(c)
		c.stop()
	}
	if failed {
		fmt.Fprintf(os.Stderr, "--- node server log (tail) ---\n%s\n", tail(c.log.String(), 8000))
	}
	killUnder(c.dir)
	unmountUnder(c.dir)
	if !nodeEnv.hadBridge {
		exec.Command("ip", "link", "del", nodeBridge).Run()
	}
	if !nodeEnv.hadTable {
		exec.Command("nft", "delete", "table", "ip", proxyTable).Run()
	}
	os.RemoveAll(c.dir)
}

// deleteAllPods deletes the test namespaces and waits (up to a minute) until the kubelet has
// removed every pod, so containers go the normal way (CNI teardown included).
func deleteAllPods(c *cluster) {
	ctx, cancel := context.WithTimeout(context.Background(), 75*time.Second)
	defer cancel()
	c.kubectl(ctx, "", "delete", "namespace", "-l", "skiff-e2e=node", "--wait=false")
	c.kubectl(ctx, "", "delete", "pods", "--all", "--all-namespaces", "--wait=false")
	for ctx.Err() == nil {
		out, _, err := c.kubectl(ctx, "", "get", "pods", "-A", "-o", "name")
		if err == nil && strings.TrimSpace(out) == "" {
			return
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// killUnder kills the processes whose command line mentions dir (containerd and its shims name
// its socket) together with their descendants (the containers a shim runs would otherwise
// outlive it).
func killUnder(dir string) {
	children := map[int][]int{}
	var roots []int
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, p := range stats {
		var pid, ppid int
		var comm, state string
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces, so parse after the last ')'.
		i := bytes.LastIndexByte(b, ')')
		fmt.Sscanf(string(b[:i]), "%d %s", &pid, &comm)
		fmt.Sscanf(string(b[i+1:]), "%s %d", &state, &ppid)
		children[ppid] = append(children[ppid], pid)
		if cmd, err := os.ReadFile(filepath.Join(filepath.Dir(p), "cmdline")); err == nil && bytes.Contains(cmd, []byte(dir)) && pid != os.Getpid() {
			roots = append(roots, pid)
		}
	}
	var kill func(pid int)
	kill = func(pid int) {
		for _, c := range children[pid] {
			kill(c)
		}
		syscall.Kill(pid, syscall.SIGKILL)
	}
	for _, pid := range roots {
		kill(pid)
	}
}

// unmountUnder lazily unmounts every mount point below dir, deepest first.
func unmountUnder(dir string) {
	b, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return
	}
	var points []string
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) > 4 && strings.HasPrefix(f[4], dir+"/") {
			points = append(points, f[4])
		}
	}
	for i := len(points) - 1; i >= 0; i-- {
		syscall.Unmount(points[i], syscall.MNT_DETACH)
	}
}

// nodeDataDir makes a data dir for a server or agent under /tmp (a short path: containerd's
// socket lives under it and unix socket paths are limited) with the image tarballs in
// agent/images, where the agent imports them from.
func nodeDataDir(prefix string, images []string) (string, error) {
	dir, err := os.MkdirTemp("/tmp", prefix)
	if err != nil {
		return "", err
	}
	for _, img := range images {
		if err := copyInto(img, filepath.Join(dir, "agent", "images")); err != nil {
			os.RemoveAll(dir)
			return "", err
		}
	}
	return dir, nil
}

func copyInto(file, dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	in, err := os.Open(file)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(filepath.Join(dir, filepath.Base(file)))
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// namespace creates a namespace for one test (labelled for the final clean-up) and deletes it
// when the test ends.
func (c *cluster) namespace(t testing.TB, name string) string {
	t.Helper()
	c.must(t, fmt.Sprintf("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: %s\n  labels: {skiff-e2e: node}\n", name), "apply", "-f", "-")
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c.kubectl(ctx, "", "delete", "namespace", name, "--wait=false")
	})
	return name
}

// eventually polls cond every 250 ms until it returns true or timeout passes; the last message
// cond returned explains a failure.
func eventually(t testing.TB, timeout time.Duration, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ok, msg := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not after %v: %s", what, timeout, msg)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// getPod reads a pod, failing the test on an error.
func getPod(t testing.TB, cs kubernetes.Interface, ns, name string) *corev1.Pod {
	t.Helper()
	p, err := cs.CoreV1().Pods(ns).Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// waitPod waits until cond holds for the pod and returns it.
func waitPod(t testing.TB, cs kubernetes.Interface, ns, name string, timeout time.Duration, what string, cond func(p *corev1.Pod) bool) *corev1.Pod {
	t.Helper()
	var last *corev1.Pod
	eventually(t, timeout, name+": "+what, func() (bool, string) {
		p, err := cs.CoreV1().Pods(ns).Get(context.Background(), name, metav1.GetOptions{})
		if err != nil {
			return false, err.Error()
		}
		last = p
		return cond(p), fmt.Sprintf("phase %s, status %+v", p.Status.Phase, p.Status.ContainerStatuses)
	})
	return last
}

// containerStatus is the status of the named container of p, or nil.
func containerStatus(p *corev1.Pod, name string) *corev1.ContainerStatus {
	for i := range p.Status.ContainerStatuses {
		if p.Status.ContainerStatuses[i].Name == name {
			return &p.Status.ContainerStatuses[i]
		}
	}
	return nil
}

// podReady reports the pod's Ready condition.
func podReady(p *corev1.Pod) bool {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// running reports whether the pod is Running with every container running.
func running(p *corev1.Pod) bool {
	if p.Status.Phase != corev1.PodRunning || len(p.Status.ContainerStatuses) == 0 {
		return false
	}
	for _, s := range p.Status.ContainerStatuses {
		if s.State.Running == nil {
			return false
		}
	}
	return true
}

// eventReasons lists the reasons of the events about the named pod in ns.
func eventReasons(t *testing.T, cs kubernetes.Interface, ns, pod string) []string {
	t.Helper()
	list, err := cs.CoreV1().Events(ns).List(context.Background(), metav1.ListOptions{FieldSelector: "involvedObject.name=" + pod})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range list.Items {
		out = append(out, e.Reason)
	}
	return out
}
