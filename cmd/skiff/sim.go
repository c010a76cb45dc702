package main

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"skiff/pkg/sim"
)

// simFlags are the options of `skiff sim`.
type simFlags struct {
	kubeconfig, prefix, cpu, memory, storage, labels, taints string
	nodes, pods, burst, workers                              int
	qps                                                      float32
	lease, heartbeat, status, termination                    time.Duration
	verbose                                                  bool
}

// simCmd is `skiff sim`: it registers simulated nodes with an API server and plays their
// kubelet (leases, node heartbeats, pod status) until interrupted.
func simCmd() *cobra.Command {
	var o simFlags
	cmd := &cobra.Command{
		Use:   "sim",
		Short: "Simulate nodes without containers (a kubelet that only talks to the API server)",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return runSim(ctx, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.kubeconfig, "kubeconfig", os.Getenv("KUBECONFIG"), "kubeconfig of the cluster (default $KUBECONFIG)")
	f.IntVar(&o.nodes, "nodes", 1, "number of simulated nodes")
	f.StringVar(&o.prefix, "name-prefix", sim.DefaultNamePrefix, "node names are this prefix and an index")
	f.StringVar(&o.cpu, "cpu", "8", "CPU capacity of each node")
	f.StringVar(&o.memory, "memory", "32Gi", "memory capacity of each node")
	f.IntVar(&o.pods, "pods", 110, "maximum pods per node")
	f.StringVar(&o.storage, "ephemeral-storage", "", "ephemeral-storage capacity of each node (unset: not reported)")
	f.StringVar(&o.labels, "labels", "", "extra node labels, k=v,...")
	f.StringVar(&o.taints, "taints", "", "node taints, k=v:Effect,...")
	f.DurationVar(&o.lease, "lease-duration", sim.DefaultLeaseDuration, "leaseDurationSeconds of node leases")
	f.DurationVar(&o.heartbeat, "heartbeat-interval", sim.DefaultHeartbeatInterval, "how often each node lease is renewed")
	f.DurationVar(&o.status, "status-report-interval", sim.DefaultStatusReportInterval, "how often each node's Ready heartbeat is patched")
	f.DurationVar(&o.termination, "termination-delay", 0, "how long a deleted pod lingers at most before it is removed")
	f.IntVar(&o.workers, "workers", sim.DefaultWorkers, "pod workers and node heartbeat writers")
	f.Float32Var(&o.qps, "qps", 0, "client QPS (default: enough to renew every lease each interval, at least 50)")
	f.IntVar(&o.burst, "burst", 0, "client burst (default 2x QPS)")
	f.BoolVarP(&o.verbose, "verbose", "v", false, "debug logging")
	return cmd
}

func runSim(ctx context.Context, o simFlags) error {
	cfg, err := o.config()
	if err != nil {
		return err
	}
	client, err := o.client(cfg.Nodes)
	if err != nil {
		return err
	}
	s, err := sim.New(cfg, client)
	if err != nil {
		return err
	}
	return s.Run(ctx)
}

// config turns the flags into a sim.Config.
func (o simFlags) config() (sim.Config, error) {
	capacity, err := sim.ParseCapacity(o.cpu, o.memory, o.pods, o.storage)
	if err != nil {
		return sim.Config{}, err
	}
	labels, err := sim.ParseLabels(o.labels)
	if err != nil {
		return sim.Config{}, err
	}
	taints, err := sim.ParseTaints(o.taints)
	if err != nil {
		return sim.Config{}, err
	}
	level := slog.LevelInfo
	if o.verbose {
		level = slog.LevelDebug
	}
	return sim.Config{
		Nodes: o.nodes, NamePrefix: o.prefix, Capacity: capacity, Labels: labels, Taints: taints,
		LeaseDuration: o.lease, HeartbeatInterval: o.heartbeat, StatusReportInterval: o.status,
		TerminationDelay: o.termination, Workers: o.workers,
		Log: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level})),
	}, nil
}

// client builds the clientset; QPS defaults to the lease renewal rate of nodes plus headroom.
func (o simFlags) client(nodes int) (kubernetes.Interface, error) {
	if o.kubeconfig == "" {
		return nil, errors.New("sim: --kubeconfig (or KUBECONFIG) is required")
	}
	rc, err := clientcmd.BuildConfigFromFlags("", o.kubeconfig)
	if err != nil {
		return nil, err
	}
	rc.QPS, rc.Burst = clientRate(o.qps, o.burst, nodes, o.heartbeat)
	rc.ContentType = "application/vnd.kubernetes.protobuf"
	rc.UserAgent = "skiff-sim"
	return kubernetes.NewForConfig(rc)
}

// clientRate returns the client QPS and burst: given values win; the default QPS renews every
// lease once per heartbeat with 20% and 20 QPS of headroom (at least 50), burst twice QPS.
func clientRate(qps float32, burst, nodes int, heartbeat time.Duration) (float32, int) {
	if qps <= 0 {
		qps = max(50, float32(nodes)/float32(max(heartbeat.Seconds(), 1))*1.2+20)
	}
	if burst <= 0 {
		burst = int(2 * qps)
	}
	return qps, burst
}
