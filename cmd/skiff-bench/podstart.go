package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"

	"skiff/pkg/imagebuild"
)

// podStartNamespace holds the benchmark's pods.
const podStartNamespace = "podstart"

// podStartBridge is the kubelet's default CNI bridge; podStartProxyTable the node proxy's
// nftables table. The benchmark removes them if it created them.
const (
	podStartBridge     = "skiff0"
	podStartProxyTable = "skiff-proxy"
)

// podStartRound is one batch of pods created at once: each pod's create-to-Running latency,
// and create-to-bound (the scheduler's part).
type podStartRound struct {
	Pods           int
	Samples, Bound []time.Duration
	// CPU is what the node's processes spent from the creates to all pods Running.
	CPU nodeCPU
}

// nodeRSS is the memory of the node's processes once a batch runs, and the CPU they spend
// per second while the pods just run (probes none, relisting and status only).
type nodeRSS struct {
	Pods                    int
	Agent, Containerd, Shim int64 // Shim: all shims together
	Server                  int64
	IdleCPU                 nodeCPU // per second
}

// runPodStart measures pod start latency on a real node: `skiff server --disable-agent` and a
// `skiff agent` joined with the token (its own process, so its RSS is the node's), with the
// project's images imported. For each batch size it creates that many pods at once (rounds
// times), times create to Running as seen on a watch, and deletes them. It needs root and
// containerd.
func runPodStart(ctx context.Context, o options, out, progress io.Writer) error {
	if os.Geteuid() != 0 {
		return errors.New("-podstart needs root (it runs containerd)")
	}
	if _, err := exec.LookPath("containerd"); err != nil {
		return fmt.Errorf("-podstart needs containerd: %w", err)
	}
	images, err := imagebuild.Ensure(ctx, imagebuild.Options{OutDir: imagebuild.CacheDir()})
	if err != nil {
		return fmt.Errorf("build images: %w", err)
	}
	dir, err := os.MkdirTemp("/tmp", "skpb") // short: containerd's socket lives below
	if err != nil {
		return err
	}
	_, bridgeErr := net.InterfaceByName(podStartBridge)
	hadTable := exec.Command("nft", "list", "table", "ip", podStartProxyTable).Run() == nil
	defer cleanupNode(dir, bridgeErr != nil, !hadTable, o.Keep)
	srv, err := startServer(o.Binary, dir)
	if err != nil {
		return err
	}
	defer srv.stop(20 * time.Second)
	client, err := benchClient(ctx, srv)
	if err != nil {
		return err
	}
	agent, err := startAgent(o.Binary, srv, filepath.Join(dir, "agent"), images)
	if err != nil {
		return err
	}
	defer agent.stop(30 * time.Second)
	fmt.Fprintf(progress, "podstart: waiting for the node (agent log: %s)\n", agent.logPath)
	if err := waitBenchNodeReady(ctx, client); err != nil {
		return err
	}
	if _, err := client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: podStartNamespace}}, metav1.CreateOptions{}); err != nil {
		return err
	}
	m := newMachine()
	// Warm-up: the first pod pays one-time costs (bridge creation, first CNI call).
	if _, err := podStartBatch(ctx, client, 1, "warmup"); err != nil {
		return err
	}
	var rounds []podStartRound
	var rss *nodeRSS
	for _, n := range o.PodStart {
		for r := range o.PodStartRounds {
			fmt.Fprintf(progress, "podstart: %d pods, round %d\n", n, r+1)
			before := agent.cpu()
			round, err := podStartBatch(ctx, client, n, fmt.Sprintf("p%d-%d", n, r))
			if err != nil {
				return err
			}
			after := agent.cpu()
			round.CPU = nodeCPU{Agent: after.Agent - before.Agent, Containerd: after.Containerd - before.Containerd, Shims: after.Shims}
			rounds = append(rounds, round)
			if n == maxInt(o.PodStart) && rss == nil {
				time.Sleep(5 * time.Second) // settle: probes, status writes, stats
				rss = agent.rss(n, srv)
				rss.IdleCPU = agent.idleCPU(10 * time.Second)
			}
			if err := deletePods(ctx, client); err != nil {
				return err
			}
		}
	}
	m.LoadEnd = loadAverage()
	printPodStart(out, rounds, rss, m)
	return nil
}

// podStartBatch creates n pods at once and returns each one's create-to-Running latency, the
// Running time being when a watch opened before the creates delivers the pod Running.
func podStartBatch(ctx context.Context, client kubernetes.Interface, n int, prefix string) (podStartRound, error) {
	pods := client.CoreV1().Pods(podStartNamespace)
	w, err := pods.Watch(ctx, metav1.ListOptions{})
	if err != nil {
		return podStartRound{}, err
	}
	defer w.Stop()
	created := make([]time.Time, n)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			created[i] = time.Now()
			if _, err := pods.Create(ctx, podStartPod(fmt.Sprintf("%s-%d", prefix, i)), metav1.CreateOptions{}); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return podStartRound{}, fmt.Errorf("create pod: %w", err)
	}
	return awaitRunning(ctx, w, prefix, created)
}

// awaitRunning reads w until every pod prefix-i is Running, and returns the latencies.
func awaitRunning(ctx context.Context, w watch.Interface, prefix string, created []time.Time) (podStartRound, error) {
	r := podStartRound{Pods: len(created)}
	running, bound := map[string]bool{}, map[string]bool{}
	timeout := time.After(3 * time.Minute)
	for len(r.Samples) < len(created) {
		select {
		case ev, ok := <-w.ResultChan():
			if !ok {
				return r, errors.New("pod watch closed")
			}
			now := time.Now()
			p, isPod := ev.Object.(*corev1.Pod)
			if !isPod || !strings.HasPrefix(p.Name, prefix+"-") {
				continue
			}
			i, err := strconv.Atoi(strings.TrimPrefix(p.Name, prefix+"-"))
			if err != nil || i >= len(created) {
				continue
			}
			if p.Spec.NodeName != "" && !bound[p.Name] {
				bound[p.Name] = true
				r.Bound = append(r.Bound, now.Sub(created[i]))
			}
			if p.Status.Phase == corev1.PodRunning && !running[p.Name] {
				running[p.Name] = true
				r.Samples = append(r.Samples, now.Sub(created[i]))
			}
		case <-timeout:
			return r, fmt.Errorf("%d of %d pods Running after 3 minutes", len(r.Samples), len(created))
		case <-ctx.Done():
			return r, ctx.Err()
		}
	}
	return r, nil
}

// podStartPod is a pod of one pause container (image present on the node).
func podStartPod(name string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"app": "podstart"}},
		Spec: corev1.PodSpec{
			TerminationGracePeriodSeconds: ptr.To(int64(1)),
			Containers:                    []corev1.Container{{Name: "c", Image: imagebuild.PauseImage}},
		},
	}
}

// deletePods deletes every benchmark pod and waits until the kubelet has removed them all.
func deletePods(ctx context.Context, client kubernetes.Interface) error {
	pods := client.CoreV1().Pods(podStartNamespace)
	if err := pods.DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{}); err != nil {
		return fmt.Errorf("delete pods: %w", err)
	}
	deadline := time.Now().Add(3 * time.Minute)
	for time.Now().Before(deadline) {
		list, err := pods.List(ctx, metav1.ListOptions{})
		if err == nil && len(list.Items) == 0 {
			return nil
		}
		time.Sleep(200 * time.Millisecond)
	}
	return errors.New("pods not deleted after 3 minutes")
}

// waitBenchNodeReady waits until a node is Ready.
func waitBenchNodeReady(ctx context.Context, client kubernetes.Interface) error {
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		nodes, err := client.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
		if err == nil {
			for _, n := range nodes.Items {
				for _, c := range n.Status.Conditions {
					if c.Type == corev1.NodeReady && c.Status == corev1.ConditionTrue {
						return nil
					}
				}
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	return errors.New("no node Ready after 2 minutes")
}

func maxInt(xs []int) int {
	m := 0
	for _, x := range xs {
		m = max(m, x)
	}
	return m
}

// printPodStart prints the latency table and the node's memory.
func printPodStart(out io.Writer, rounds []podStartRound, rss *nodeRSS, m machine) {
	fmt.Fprintf(out, "\n## Pod start latency: `skiff agent` on containerd, pause container, image present\n\n")
	fmt.Fprintf(out, "| pods at once | rounds | samples | p50 | p99 | max | bound p50 | bound p99 |\n")
	fmt.Fprintf(out, "|-------------:|-------:|--------:|----:|----:|----:|----------:|----------:|\n")
	bySize, boundBySize := map[int][]time.Duration{}, map[int][]time.Duration{}
	cpuBySize := map[int]nodeCPU{}
	roundsOf := map[int]int{}
	var sizes []int
	for _, r := range rounds {
		if roundsOf[r.Pods] == 0 {
			sizes = append(sizes, r.Pods)
		}
		roundsOf[r.Pods]++
		bySize[r.Pods] = append(bySize[r.Pods], r.Samples...)
		boundBySize[r.Pods] = append(boundBySize[r.Pods], r.Bound...)
		c := cpuBySize[r.Pods]
		cpuBySize[r.Pods] = nodeCPU{Agent: c.Agent + r.CPU.Agent, Containerd: c.Containerd + r.CPU.Containerd, Shims: c.Shims + r.CPU.Shims}
	}
	ms := func(d time.Duration) string { return fmt.Sprintf("%d ms", d.Milliseconds()) }
	for _, n := range sizes {
		s, b := Summarize(bySize[n]), Summarize(boundBySize[n])
		fmt.Fprintf(out, "| %d | %d | %d | %s | %s | %s | %s | %s |\n", n, roundsOf[n], s.Count, ms(s.P50), ms(s.P99), ms(s.Max), ms(b.P50), ms(b.P99))
	}
	fmt.Fprintf(out, "\nCPU per pod start (user+system, from the creates to all Running):\n\n")
	fmt.Fprintf(out, "| pods at once | kubelet (`skiff agent`) | containerd + CNI plugins | shim + runc |\n")
	fmt.Fprintf(out, "|-------------:|------------------------:|-------------------------:|------------:|\n")
	for _, n := range sizes {
		c, pods := cpuBySize[n], time.Duration(n*roundsOf[n])
		fmt.Fprintf(out, "| %d | %s | %s | %s |\n", n, ms(c.Agent/pods), ms(c.Containerd/pods), ms(c.Shims/pods))
	}
	if rss != nil {
		mib := func(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }
		fmt.Fprintf(out, "\nRSS with %d pods running: `skiff agent` (kubelet, kubelet API) %s, its containerd %s, "+
			"containerd shims %s in total; `skiff server` (control plane, separate process) %s.\n",
			rss.Pods, mib(rss.Agent), mib(rss.Containerd), mib(rss.Shim), mib(rss.Server))
	}
	if rss != nil {
		pct := func(d time.Duration) string { return fmt.Sprintf("%.1f%%", 100*d.Seconds()) }
		fmt.Fprintf(out, "\nCPU while the %d pods just run (10 s): `skiff agent` %s of a core, containerd %s, shims %s.\n",
			rss.Pods, pct(rss.IdleCPU.Agent), pct(rss.IdleCPU.Containerd), pct(rss.IdleCPU.Shims))
	}
	fmt.Fprintf(out, "\nLatency: pod create request sent to the pod seen Running on a watch opened before; "+
		"bound: to the pod seen with spec.nodeName (the scheduler's share). "+
		"Machine: %d CPUs, load %s at start, %s at end.\n", m.CPUs, m.LoadStart, m.LoadEnd)
}
