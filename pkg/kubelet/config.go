package kubelet

import (
	"context"
	"errors"
	"log/slog"
	"net/netip"
	"path/filepath"
	"time"

	v1 "k8s.io/api/core/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/clock"
)

// Config configures a Kubelet. NodeName, NodeIP, Client, RuntimeEndpoint and RootDir are
// required; the rest has defaults (see withDefaults).
type Config struct {
	NodeName string
	NodeIP   string
	// Client talks to the API server: a node credential in production.
	Client kubernetes.Interface
	// RuntimeEndpoint is the CRI socket, "unix:///path/containerd.sock".
	RuntimeEndpoint string
	// RootDir is the agent data dir D: D/pods, D/logs, D/cni/net.d live in it.
	RootDir string
	// MaxPods is the node's pods capacity (default 110).
	MaxPods int
	// KubeletPort is written to node.status.daemonEndpoints (default 10250).
	KubeletPort int
	// PodCIDR is used until the Node's spec.podCIDR is set (default 10.42.0.0/24).
	PodCIDR string
	// PodCIDRWait bounds how long Run waits at start for the Node's spec.podCIDR (given by the
	// node IPAM controller) before it writes the CNI config with PodCIDR instead; 0 does not
	// wait (clusters without node IPAM, tests). The agent uses DefaultPodCIDRWait.
	PodCIDRWait time.Duration
	// ClusterDNS are the nameservers of ClusterFirst pods; empty: the host's resolv.conf.
	ClusterDNS []string
	// ClusterDomain is the DNS domain (default "cluster.local").
	ClusterDomain string
	// NodeLabels are added to the Node's labels at registration.
	NodeLabels map[string]string
	// SyncFrequency is how often every pod is re-synced (default 10s).
	SyncFrequency time.Duration
	// RelistPeriod is how often CRI state is listed to notice changes (default 1s).
	RelistPeriod time.Duration
	// NodeStatusUpdateFrequency is how often node status is computed and written when it
	// changed (default 10s); it is written anyway every NodeStatusReportFrequency (5m).
	NodeStatusUpdateFrequency time.Duration
	NodeStatusReportFrequency time.Duration
	// LeaseRenewInterval (default 10s) and LeaseDurationSeconds (default 40).
	LeaseRenewInterval   time.Duration
	LeaseDurationSeconds int32
	// BackoffInitial and BackoffMax bound CrashLoopBackOff and ImagePullBackOff (10s, 5m).
	BackoffInitial, BackoffMax time.Duration
	// SandboxImage is the pause image (default localhost/pause:3.9).
	SandboxImage string
	// CgroupRoot holds the cgroup v1 hierarchies (default /sys/fs/cgroup); tests use a temp dir.
	CgroupRoot string
	// ResolvConf is the host resolver file (default /etc/resolv.conf).
	ResolvConf string
	// CNIConfDir is where the conflist is written (default RootDir/cni/net.d).
	CNIConfDir string
	// CNIBridge is the pod bridge's name (default "skiff0"); nodes sharing a network
	// namespace need distinct bridges.
	CNIBridge string
	// TerminationGate, when set, is called before a pod being deleted gets its preStop hooks
	// and SIGTERM; it blocks until the pod receives no new connections (pkg/proxy), bounded
	// by the pod's grace period.
	TerminationGate func(ctx context.Context, pod *v1.Pod) error
	Clock           clock.WithTicker
	Log             *slog.Logger
}

func (c Config) withDefaults() (Config, error) {
	switch {
	case c.NodeName == "":
		return c, errors.New("kubelet: NodeName is required")
	case c.Client == nil:
		return c, errors.New("kubelet: Client is required")
	case c.RuntimeEndpoint == "":
		return c, errors.New("kubelet: RuntimeEndpoint is required")
	case c.RootDir == "":
		return c, errors.New("kubelet: RootDir is required")
	}
	if _, err := netip.ParseAddr(c.NodeIP); err != nil {
		return c, errors.New("kubelet: NodeIP must be an IP address")
	}
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	dur := func(v *time.Duration, d time.Duration) {
		if *v == 0 {
			*v = d
		}
	}
	str := func(v *string, d string) {
		if *v == "" {
			*v = d
		}
	}
	def(&c.MaxPods, 110)
	def(&c.KubeletPort, 10250)
	str(&c.PodCIDR, "10.42.0.0/24")
	str(&c.ClusterDomain, "cluster.local")
	str(&c.SandboxImage, "localhost/pause:3.9")
	str(&c.ResolvConf, "/etc/resolv.conf")
	str(&c.CNIBridge, "skiff0")
	str(&c.CNIConfDir, filepath.Join(c.RootDir, "cni", "net.d"))
	dur(&c.SyncFrequency, 10*time.Second)
	dur(&c.RelistPeriod, time.Second)
	dur(&c.NodeStatusUpdateFrequency, 10*time.Second)
	dur(&c.NodeStatusReportFrequency, 5*time.Minute)
	dur(&c.LeaseRenewInterval, 10*time.Second)
	dur(&c.BackoffInitial, 10*time.Second)
	dur(&c.BackoffMax, 5*time.Minute)
	if c.LeaseDurationSeconds == 0 {
		c.LeaseDurationSeconds = 40
	}
	if c.Clock == nil {
		c.Clock = clock.RealClock{}
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	c.Log = c.Log.With("component", "kubelet", "node", c.NodeName)
	return c, nil
}

func (c Config) podsDir() string { return filepath.Join(c.RootDir, "pods") }
func (c Config) logsDir() string { return filepath.Join(c.RootDir, "logs") }
