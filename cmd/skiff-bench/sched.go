package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"skiff/pkg/sim"
)

// schedScenario is one scheduler benchmark: pods created against simulated nodes.
type schedScenario struct{ Nodes, Pods int }

// schedResult is what one scenario measured.
type schedResult struct {
	schedScenario
	Bound      int
	Elapsed    time.Duration // first create request to last bind seen
	BestSecond int           // most binds seen within one wall-clock second
	Latency    Summary       // per pod: create response to bind seen
	CreateRate float64       // creates per second achieved by the load generator
}

// AvgRate is pods bound per second over the whole run.
func (r schedResult) AvgRate() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Bound) / r.Elapsed.Seconds()
}

// parseScenarios reads "500x5000,5000x10000" (nodes x pods).
func parseScenarios(s string) ([]schedScenario, error) {
	var out []schedScenario
	for _, part := range strings.Split(s, ",") {
		n, p, ok := strings.Cut(strings.TrimSpace(part), "x")
		nodes, err1 := strconv.Atoi(n)
		pods, err2 := strconv.Atoi(p)
		if !ok || err1 != nil || err2 != nil || nodes < 1 || pods < 1 {
			return nil, fmt.Errorf("bad scenario %q: want NODESxPODS", part)
		}
		out = append(out, schedScenario{Nodes: nodes, Pods: pods})
	}
	return out, nil
}

// runScheduler runs each scenario on a fresh server and prints a table.
func runScheduler(ctx context.Context, o options, out, progress io.Writer) error {
	var results []schedResult
	for _, sc := range o.Sched {
		r, err := runScenario(ctx, o, sc, progress)
		if err != nil {
			return fmt.Errorf("%d nodes / %d pods: %w", sc.Nodes, sc.Pods, err)
		}
		results = append(results, r)
	}
	fmt.Fprintf(out, "\n## Scheduler: pods created through the API, bound by `skiff server` onto `skiff sim` nodes\n\n")
	fmt.Fprintf(out, "| nodes | pods | bound | create rate | pods/s (avg) | pods/s (best second) | latency p50 | latency p99 |\n")
	fmt.Fprintf(out, "|------:|-----:|------:|------------:|-------------:|---------------------:|------------:|------------:|\n")
	for _, r := range results {
		fmt.Fprintf(out, "| %d | %d | %d | %.0f/s | %.0f | %d | %s | %s |\n", r.Nodes, r.Pods, r.Bound, r.CreateRate, r.AvgRate(), r.BestSecond, msec(r.Latency.P50), msec(r.Latency.P99))
	}
	fmt.Fprintf(out, "\nLatency: from a pod's create response to its binding seen on a watch. Machine: %d CPUs, load %s.\n", newMachine().CPUs, loadAverage())
	return nil
}

func runScenario(ctx context.Context, o options, sc schedScenario, progress io.Writer) (schedResult, error) {
	dir, err := os.MkdirTemp("", "skiff-schedbench-")
	if err != nil {
		return schedResult{}, err
	}
	defer os.RemoveAll(dir)
	srv, err := startServer(o.Binary, dir)
	if err != nil {
		return schedResult{}, err
	}
	defer srv.stop(20 * time.Second)
	readyCtx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	cfg, err := srv.waitReady(readyCtx)
	if err != nil {
		return schedResult{}, err
	}
	cfg = rest.CopyConfig(cfg)
	cfg.QPS, cfg.Burst = clientRate, clientRate
	cfg.ContentType = "application/vnd.kubernetes.protobuf"
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return schedResult{}, err
	}
	simCtx, stopSim := context.WithCancel(ctx)
	defer stopSim()
	s, err := sim.New(sim.Config{Nodes: sc.Nodes, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}, client)
	if err != nil {
		return schedResult{}, err
	}
	go s.Run(simCtx)
	fmt.Fprintf(progress, "scheduler bench: registering %d simulated nodes\n", sc.Nodes)
	select {
	case <-s.Ready():
	case <-time.After(5 * time.Minute):
		return schedResult{}, fmt.Errorf("simulated nodes not ready after 5 minutes")
	}
	time.Sleep(2 * time.Second) // let the scheduler's node informer catch up
	fmt.Fprintf(progress, "scheduler bench: creating %d pods\n", sc.Pods)
	if o.Profile != "" {
		go func() {
			data, err := client.CoreV1().RESTClient().Get().AbsPath("/debug/pprof/profile").Param("seconds", "10").DoRaw(ctx)
			if err == nil {
				err = os.WriteFile(o.Profile, data, 0o644)
			}
			fmt.Fprintf(progress, "scheduler bench: server CPU profile %s: %v\n", o.Profile, err)
		}()
	}
	return measureScheduling(ctx, client, sc)
}

// measureScheduling creates the pods with 64 clients and times their bindings on a watch.
func measureScheduling(ctx context.Context, client kubernetes.Interface, sc schedScenario) (schedResult, error) {
	const ns = "default"
	w, err := client.CoreV1().Pods(ns).Watch(ctx, metav1.ListOptions{FieldSelector: fields.OneTermNotEqualSelector("spec.nodeName", "").String()})
	if err != nil {
		return schedResult{}, err
	}
	defer w.Stop()
	bound := map[string]time.Time{}
	var mu sync.Mutex
	allBound := make(chan struct{})
	go func() {
		for ev := range w.ResultChan() {
			if ev.Type != watch.Added && ev.Type != watch.Modified {
				continue
			}
			pod, ok := ev.Object.(*corev1.Pod)
			if !ok {
				continue
			}
			mu.Lock()
			if _, seen := bound[pod.Name]; !seen {
				bound[pod.Name] = time.Now()
				if len(bound) == sc.Pods {
					close(allBound)
				}
			}
			mu.Unlock()
		}
	}()
	created := make([]time.Time, sc.Pods)
	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for worker := range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := worker; i < sc.Pods; i += 64 {
				if _, err := client.CoreV1().Pods(ns).Create(ctx, benchPod(i), metav1.CreateOptions{}); err != nil {
					errs <- err
					return
				}
				created[i] = time.Now()
			}
		}()
	}
	wg.Wait()
	createDone := time.Now()
	select {
	case err := <-errs:
		return schedResult{}, fmt.Errorf("create: %w", err)
	default:
	}
	select {
	case <-allBound:
	case <-time.After(10 * time.Minute):
	}
	mu.Lock()
	defer mu.Unlock()
	return summarizeBinds(sc, start, createDone, created, bound), nil
}

func benchPod(i int) *corev1.Pod {
	return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("p-%06d", i), Labels: map[string]string{"app": "bench"}},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "localhost/pause:3.9",
			Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("10m"), corev1.ResourceMemory: resource.MustParse("16Mi")}}}}}}
}

// summarizeBinds turns create and bind times into the scenario's figures.
func summarizeBinds(sc schedScenario, start, createDone time.Time, created []time.Time, bound map[string]time.Time) schedResult {
	r := schedResult{schedScenario: sc, Bound: len(bound)}
	var last time.Time
	perSecond := map[int64]int{}
	var lat []time.Duration
	for i, c := range created {
		b, ok := bound[fmt.Sprintf("p-%06d", i)]
		if !ok {
			continue
		}
		if b.After(last) {
			last = b
		}
		perSecond[b.Unix()]++
		lat = append(lat, max(0, b.Sub(c)))
	}
	r.Elapsed = last.Sub(start)
	r.Latency = Summarize(lat)
	counts := make([]int, 0, len(perSecond))
	for _, n := range perSecond {
		counts = append(counts, n)
	}
	sort.Ints(counts)
	if len(counts) > 0 {
		r.BestSecond = counts[len(counts)-1]
	}
	if d := createDone.Sub(start); d > 0 {
		r.CreateRate = float64(sc.Pods) / d.Seconds()
	}
	return r
}
