package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/utils/ptr"

	"skiff/pkg/sim"
)

// deployTimeout bounds each timed phase of the Deployment benchmark.
const deployTimeout = 15 * time.Minute

// deployResult is what one Deployment scenario measured (Nodes and Pods of the scenario are
// the simulated nodes and the replicas).
type deployResult struct {
	schedScenario
	Available time.Duration // create request to all replicas available
	Rollout   time.Duration // template update to the rollout complete
}

// runDeployments runs each scenario on a fresh server and prints a table.
func runDeployments(ctx context.Context, o options, out, progress io.Writer) error {
	var results []deployResult
	for _, sc := range o.Deployment {
		r, err := runDeployScenario(ctx, o, sc, progress)
		if err != nil {
			return fmt.Errorf("%d nodes / %d replicas: %w", sc.Nodes, sc.Pods, err)
		}
		results = append(results, r)
	}
	fmt.Fprintf(out, "\n## Controllers: one Deployment on `skiff sim` nodes, through `skiff server`\n\n")
	fmt.Fprintf(out, "| nodes | replicas | create to Available | pods/s | rolling update | pods replaced/s |\n")
	fmt.Fprintf(out, "|------:|---------:|--------------------:|-------:|---------------:|----------------:|\n")
	for _, r := range results {
		fmt.Fprintf(out, "| %d | %d | %s | %.0f | %s | %.0f |\n", r.Nodes, r.Pods,
			r.Available.Round(10*time.Millisecond), rate(r.Pods, r.Available), r.Rollout.Round(10*time.Millisecond), rate(r.Pods, r.Rollout))
	}
	fmt.Fprintf(out, "\nAvailable: status.availableReplicas == replicas and condition Available=True. Rolling update "+
		"(default 25%% surge / 25%% unavailable, env var changed): observedGeneration current, updatedReplicas == "+
		"availableReplicas == replicas == status.replicas, old ReplicaSet at 0. Machine: %d CPUs, load %s.\n", newMachine().CPUs, loadAverage())
	return nil
}

func rate(n int, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

// runDeployScenario starts a server and the simulated nodes, then times the Deployment.
func runDeployScenario(ctx context.Context, o options, sc schedScenario, progress io.Writer) (deployResult, error) {
	dir, err := os.MkdirTemp("", "skiff-deploybench-")
	if err != nil {
		return deployResult{}, err
	}
	defer os.RemoveAll(dir)
	srv, err := startServer(o.Binary, dir)
	if err != nil {
		return deployResult{}, err
	}
	defer srv.stop(20 * time.Second)
	client, err := benchClient(ctx, srv)
	if err != nil {
		return deployResult{}, err
	}
	simCtx, stopSim := context.WithCancel(ctx)
	defer stopSim()
	if err := startSimNodes(simCtx, client, sc.Nodes, progress); err != nil {
		return deployResult{}, err
	}
	return measureDeployment(ctx, client, sc, progress)
}

// benchClient waits for the server and returns an unthrottled protobuf clientset.
func benchClient(ctx context.Context, srv *serverProcess) (kubernetes.Interface, error) {
	readyCtx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	cfg, err := srv.waitReady(readyCtx)
	if err != nil {
		return nil, err
	}
	cfg = rest.CopyConfig(cfg)
	cfg.QPS, cfg.Burst = clientRate, clientRate
	cfg.ContentType = "application/vnd.kubernetes.protobuf"
	return kubernetes.NewForConfig(cfg)
}

// startSimNodes runs n simulated nodes until ctx ends and waits until they are registered.
func startSimNodes(ctx context.Context, client kubernetes.Interface, n int, progress io.Writer) error {
	s, err := sim.New(sim.Config{Nodes: n, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}, client)
	if err != nil {
		return err
	}
	go s.Run(ctx)
	fmt.Fprintf(progress, "deployment bench: registering %d simulated nodes\n", n)
	select {
	case <-s.Ready():
	case <-time.After(5 * time.Minute):
		return fmt.Errorf("simulated nodes not ready after 5 minutes")
	}
	time.Sleep(2 * time.Second) // let the scheduler's node informer catch up
	return nil
}

// measureDeployment creates the Deployment, waits until it is available, changes its template
// and waits until the rollout is complete.
func measureDeployment(ctx context.Context, client kubernetes.Interface, sc schedScenario, progress io.Writer) (deployResult, error) {
	deps := client.AppsV1().Deployments("default")
	r := deployResult{schedScenario: sc}
	fmt.Fprintf(progress, "deployment bench: creating a Deployment of %d replicas\n", sc.Pods)
	start := time.Now()
	d, err := deps.Create(ctx, benchDeployment(int32(sc.Pods)), metav1.CreateOptions{})
	if err != nil {
		return r, fmt.Errorf("create deployment: %w", err)
	}
	if err := waitDeployment(ctx, client, d.Name, available); err != nil {
		return r, err
	}
	r.Available = time.Since(start)
	fmt.Fprintf(progress, "deployment bench: available after %s; rolling update\n", r.Available.Round(10*time.Millisecond))
	start = time.Now()
	patch := `{"spec":{"template":{"spec":{"containers":[{"name":"c","env":[{"name":"REVISION","value":"2"}]}]}}}}`
	if _, err := deps.Patch(ctx, d.Name, "application/strategic-merge-patch+json", []byte(patch), metav1.PatchOptions{}); err != nil {
		return r, fmt.Errorf("update template: %w", err)
	}
	if err := waitDeployment(ctx, client, d.Name, rolledOut); err != nil {
		return r, err
	}
	r.Rollout = time.Since(start)
	fmt.Fprintf(progress, "deployment bench: rolled out after %s\n", r.Rollout.Round(10*time.Millisecond))
	return r, nil
}

func benchDeployment(n int32) *appsv1.Deployment {
	labels := map[string]string{"app": "bench"}
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "bench"},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr.To(n), Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels}, Spec: corev1.PodSpec{
				Containers: []corev1.Container{{Name: "c", Image: "localhost/pause:3.9", Resources: corev1.ResourceRequirements{
					Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("10m"), corev1.ResourceMemory: resource.MustParse("16Mi")}}}},
			}},
		},
	}
}

// deployCheck reports whether a Deployment and its ReplicaSets reached a phase's goal.
type deployCheck func(d *appsv1.Deployment, rss []appsv1.ReplicaSet) bool

// waitDeployment polls the Deployment and its ReplicaSets every 100 ms until check holds; it
// fails after deployTimeout or when ctx ends.
func waitDeployment(ctx context.Context, client kubernetes.Interface, name string, check deployCheck) error {
	ctx, cancel := context.WithTimeout(ctx, deployTimeout)
	defer cancel()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		d, err := client.AppsV1().Deployments("default").Get(ctx, name, metav1.GetOptions{})
		if err == nil {
			var rss *appsv1.ReplicaSetList
			rss, err = client.AppsV1().ReplicaSets("default").List(ctx, metav1.ListOptions{})
			if err == nil && check(d, rss.Items) {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("deployment %s: %w (last error %v, last status %+v)", name, ctx.Err(), err, statusOf(d))
		case <-tick.C:
		}
	}
}

func statusOf(d *appsv1.Deployment) any {
	if d == nil {
		return nil
	}
	return d.Status
}

// current reports whether the controller has seen the Deployment's latest spec.
func current(d *appsv1.Deployment) bool { return d.Status.ObservedGeneration >= d.Generation }

// available: every replica available and condition Available=True.
func available(d *appsv1.Deployment, _ []appsv1.ReplicaSet) bool {
	want := ptr.Deref(d.Spec.Replicas, 1)
	return current(d) && d.Status.AvailableReplicas == want && hasCondition(d, appsv1.DeploymentAvailable)
}

// rolledOut: the rollout of the latest template is complete and every older ReplicaSet is
// scaled to zero with no pods left.
func rolledOut(d *appsv1.Deployment, rss []appsv1.ReplicaSet) bool {
	want := ptr.Deref(d.Spec.Replicas, 1)
	st := d.Status
	if !current(d) || st.UpdatedReplicas != want || st.AvailableReplicas != want || st.Replicas != want || len(rss) < 2 {
		return false
	}
	active := 0
	for _, rs := range rss {
		if ptr.Deref(rs.Spec.Replicas, 1) != 0 || rs.Status.Replicas != 0 {
			active++
		}
	}
	return active == 1
}

func hasCondition(d *appsv1.Deployment, t appsv1.DeploymentConditionType) bool {
	for _, c := range d.Status.Conditions {
		if c.Type == t {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}
