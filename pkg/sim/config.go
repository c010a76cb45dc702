package sim

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/utils/clock"
)

// Annotations and values the simulator reads or writes.
const (
	// AnnotationSimulated marks a Node registered by the simulator (value "true").
	AnnotationSimulated = "sim.skiff.dev/simulated"
	// AnnotationExitAfter on a pod of restartPolicy Never or OnFailure is a Go duration after
	// which its containers exit.
	AnnotationExitAfter = "sim.skiff.dev/exit-after"
	// AnnotationExitCode is the exit code used with AnnotationExitAfter (default 0).
	AnnotationExitCode = "sim.skiff.dev/exit-code"
	// KubeletVersion is reported in every simulated node's nodeInfo.
	KubeletVersion = "v1.37.2-skiff-sim"
	// NodeLeaseNamespace holds the node heartbeat leases.
	NodeLeaseNamespace = "kube-node-lease"
)

// Config describes a fleet of simulated nodes. Zero durations and counts take the defaults
// documented on each field.
type Config struct {
	// Nodes is how many nodes to simulate (required, > 0). They are named NamePrefix + index.
	Nodes int
	// NamePrefix prefixes node names (default "sim-").
	NamePrefix string
	// Capacity is each node's capacity and allocatable (default cpu 8, memory 32Gi, pods 110).
	Capacity corev1.ResourceList
	// Labels are added to every node besides the well-known hostname/os/arch labels.
	Labels map[string]string
	// Taints are set on every node.
	Taints []corev1.Taint
	// LeaseDuration is the leaseDurationSeconds of node leases (default 40s).
	LeaseDuration time.Duration
	// HeartbeatInterval is how often each lease is renewed (default 10s); renewals of all nodes
	// are spread evenly over it.
	HeartbeatInterval time.Duration
	// StatusReportInterval is how often each node's Ready heartbeat is patched (default 5m).
	StatusReportInterval time.Duration
	// TerminationDelay caps how long a deleted pod lingers before the simulator removes it
	// (default 0: at once). The pod's own grace period caps it too.
	TerminationDelay time.Duration
	// Workers is the number of pod workers and of node writers (default 4).
	Workers int
	// Clock is the time source (default the real clock).
	Clock clock.WithTicker
	// Log is the logger (default slog.Default()).
	Log *slog.Logger
}

// Default values of Config.
const (
	DefaultNamePrefix           = "sim-"
	DefaultLeaseDuration        = 40 * time.Second
	DefaultHeartbeatInterval    = 10 * time.Second
	DefaultStatusReportInterval = 5 * time.Minute
	DefaultWorkers              = 4
	// MaxNodes is the most nodes one simulator runs: each gets a /24 pod range in 10.128.0.0/9.
	MaxNodes = 32768
)

// withDefaults validates c and returns it with defaults filled in.
func (c Config) withDefaults() (Config, error) {
	if c.Nodes <= 0 || c.Nodes > MaxNodes {
		return c, fmt.Errorf("sim: Nodes must be in 1..%d, got %d", MaxNodes, c.Nodes)
	}
	if c.NamePrefix == "" {
		c.NamePrefix = DefaultNamePrefix
	}
	if c.Capacity == nil {
		c.Capacity, _ = ParseCapacity("8", "32Gi", 110, "")
	}
	if _, ok := c.Capacity[corev1.ResourcePods]; !ok {
		return c, errors.New("sim: Capacity must include pods")
	}
	c.LeaseDuration = orDuration(c.LeaseDuration, DefaultLeaseDuration)
	c.HeartbeatInterval = orDuration(c.HeartbeatInterval, DefaultHeartbeatInterval)
	c.StatusReportInterval = orDuration(c.StatusReportInterval, DefaultStatusReportInterval)
	if c.LeaseDuration < time.Second {
		return c, fmt.Errorf("sim: LeaseDuration %v is below one second", c.LeaseDuration)
	}
	if c.TerminationDelay < 0 {
		return c, errors.New("sim: TerminationDelay must not be negative")
	}
	if c.Workers <= 0 {
		c.Workers = DefaultWorkers
	}
	if c.Clock == nil {
		c.Clock = clock.RealClock{}
	}
	if c.Log == nil {
		c.Log = slog.Default()
	}
	return c, nil
}

func orDuration(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}
