// Package agent assembles a node: it obtains the node credential (join), starts the
// container runtime (a supervised containerd unless an endpoint is given), then the kubelet
// and the kubelet HTTPS API, each once the previous one is ready.
package agent

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"

	"golang.org/x/sync/errgroup"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"skiff/pkg/containerd"
	"skiff/pkg/join"
	"skiff/pkg/kubelet"
	kubeletserver "skiff/pkg/kubelet/server"
)

// Config configures an Agent.
type Config struct {
	// DataDir is the agent data dir D (containerd, pods, logs, credentials).
	DataDir string
	// ServerURL and Token join the cluster; ignored when Kubeconfig is set.
	ServerURL, Token string
	// Kubeconfig is a node credential prepared by the caller (the in-process agent of
	// `skiff server`); empty: join with ServerURL and Token.
	Kubeconfig string
	// NodeName (default: host name) and NodeIP (default: the default route's source address).
	NodeName, NodeIP string
	// RuntimeEndpoint is a CRI socket; empty: run containerd under DataDir.
	RuntimeEndpoint string
	MaxPods         int
	// KubeletPort is where the kubelet API listens (default 10250).
	KubeletPort int
	// ProxyMode is the service proxy's backend: "nftables" (default), "iptables", or "none"
	// (no proxy on this node).
	ProxyMode string
	// ClusterCIDR is the pod network of the whole cluster (the server's --cluster-cidr; default
	// 10.42.0.0/16): the proxy does not masquerade traffic from it.
	ClusterCIDR string
	// DNS configures the node-local cluster DNS (pkg/agent/dns.go).
	DNS DNSConfig
	Log *slog.Logger
}

// Agent is one node.
type Agent struct {
	cfg Config
	log *slog.Logger
}

// New validates and defaults cfg; it starts nothing.
func New(cfg Config) (*Agent, error) {
	if cfg.DataDir == "" {
		return nil, errors.New("agent: data dir is required")
	}
	if cfg.Kubeconfig == "" && (cfg.ServerURL == "" || cfg.Token == "") {
		return nil, errors.New("agent: --server and --token are required")
	}
	if cfg.NodeName == "" {
		cfg.NodeName = join.DefaultNodeName()
	}
	if cfg.NodeIP == "" {
		cfg.NodeIP = join.DefaultNodeIP()
	}
	if cfg.KubeletPort == 0 {
		cfg.KubeletPort = 10250
	}
	cfg.DNS = cfg.DNS.withDefaults(cfg.NodeIP)
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	return &Agent{cfg: cfg, log: cfg.Log.With("component", "agent", "node", cfg.NodeName)}, nil
}

// Run joins (if needed), starts the runtime, the kubelet and its API, and blocks until ctx
// ends (nil) or a component fails.
func (a *Agent) Run(ctx context.Context) error {
	if err := os.MkdirAll(a.cfg.DataDir, 0o700); err != nil {
		return fmt.Errorf("agent data dir: %w", err)
	}
	kubeconfig, err := a.credentials(ctx)
	if err != nil {
		return err
	}
	client, err := clientFor(kubeconfig)
	if err != nil {
		return err
	}
	g, ctx := errgroup.WithContext(ctx)
	endpoint, err := a.runtime(ctx, g)
	if err != nil {
		return abort(ctx, g, err)
	}
	gate, err := a.startProxy(ctx, g, client) // pkg/agent/proxy.go
	if err != nil {
		return abort(ctx, g, err)
	}
	k, err := kubelet.New(kubelet.Config{
		NodeName: a.cfg.NodeName, NodeIP: a.cfg.NodeIP, Client: client, RuntimeEndpoint: endpoint,
		RootDir: a.cfg.DataDir, MaxPods: a.cfg.MaxPods, KubeletPort: a.cfg.KubeletPort, Log: a.cfg.Log,
		ClusterDNS: []string{a.cfg.DNS.ClusterDNS}, ClusterDomain: a.cfg.DNS.ClusterDomain,
		TerminationGate: gate, PodCIDRWait: kubelet.DefaultPodCIDRWait,
	})
	if err != nil {
		return abort(ctx, g, err)
	}
	files := join.FilesIn(a.cfg.DataDir)
	api, err := kubeletserver.New(kubeletserver.Config{
		Host: k, NodeName: a.cfg.NodeName, Port: a.cfg.KubeletPort,
		CertFile: files.ServingCert, KeyFile: files.ServingKey, ClientCAFile: files.CA, Log: a.cfg.Log,
	})
	if err != nil {
		return abort(ctx, g, err)
	}
	g.Go(func() error { return k.Run(ctx) })
	g.Go(func() error { return api.Run(ctx) })
	g.Go(func() error { return a.runDNS(ctx, client) })    // pkg/agent/dns.go
	g.Go(func() error { return a.runRoutes(ctx, client) }) // pkg/agent/routes.go
	return g.Wait()
}

// abort ends a start-up that failed with err: the group's error wins (it cancelled ctx);
// a shutdown (ctx ended, nothing failed) is not an error.
func abort(ctx context.Context, g *errgroup.Group, err error) error {
	if werr := g.Wait(); werr != nil || ctx.Err() != nil {
		return werr
	}
	return err
}

// credentials returns the node kubeconfig: the given one, or one obtained by joining.
func (a *Agent) credentials(ctx context.Context) (string, error) {
	if a.cfg.Kubeconfig != "" {
		return a.cfg.Kubeconfig, nil
	}
	return join.Bootstrap(ctx, join.Request{
		ServerURL: a.cfg.ServerURL, Token: a.cfg.Token, NodeName: a.cfg.NodeName,
		Addresses: []string{a.cfg.NodeIP}, Dir: a.cfg.DataDir, Log: a.cfg.Log.With("component", "join"),
	})
}

// runtime returns the CRI endpoint: the configured one, or that of a containerd started in g
// once it is ready.
func (a *Agent) runtime(ctx context.Context, g *errgroup.Group) (string, error) {
	if a.cfg.RuntimeEndpoint != "" {
		return a.cfg.RuntimeEndpoint, nil
	}
	sup, err := containerd.New(containerd.Config{DataDir: a.cfg.DataDir, Log: a.cfg.Log})
	if err != nil {
		return "", err
	}
	g.Go(func() error { return sup.Run(ctx) })
	select {
	case <-sup.Ready():
		a.log.Info("containerd ready", "endpoint", sup.Endpoint())
		return sup.Endpoint(), nil
	case <-ctx.Done():
		return "", fmt.Errorf("containerd did not become ready: %w", context.Cause(ctx))
	}
}

func clientFor(kubeconfig string) (kubernetes.Interface, error) {
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return nil, fmt.Errorf("node kubeconfig: %w", err)
	}
	cfg.QPS, cfg.Burst = 50, 100
	cfg.ContentType = "application/vnd.kubernetes.protobuf"
	return kubernetes.NewForConfig(cfg)
}
