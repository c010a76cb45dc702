package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"skiff/pkg/agent"
	"skiff/pkg/server"
)

// agentCmd joins this machine to a cluster as a node.
func agentCmd() *cobra.Command {
	cfg := agent.Config{}
	var tokenFile string
	var verbose bool
	cmd := &cobra.Command{
		Use:   "agent",
		Short: "Join this machine as a node: containerd, kubelet and the kubelet API",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if tokenFile != "" {
				data, err := os.ReadFile(tokenFile)
				if err != nil {
					return fmt.Errorf("--token-file: %w", err)
				}
				cfg.Token = strings.TrimSpace(string(data))
			}
			cfg.Log = newLogger(verbose)
			a, err := agent.New(cfg)
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return a.Run(ctx)
		},
	}
	f := cmd.Flags()
	f.StringVar(&cfg.ServerURL, "server", "", "URL of the API server, https://HOST:PORT (required)")
	f.StringVar(&cfg.Token, "token", "", "join token (<server-data-dir>/token on the server)")
	f.StringVar(&tokenFile, "token-file", "", "file holding the join token")
	f.StringVar(&cfg.NodeName, "node-name", "", "node name (default: the host name)")
	f.StringVar(&cfg.NodeIP, "node-ip", "", "node IP (default: the address of the default route)")
	f.StringVar(&cfg.DataDir, "data-dir", filepath.Join(defaultDataDir(), "agent"), "agent state: containerd, pods, logs, credentials")
	f.StringVar(&cfg.RuntimeEndpoint, "container-runtime-endpoint", "", "CRI socket (default: run containerd under the data dir)")
	f.IntVar(&cfg.MaxPods, "max-pods", 110, "pods this node accepts")
	f.IntVar(&cfg.KubeletPort, "kubelet-port", 10250, "port of the kubelet HTTPS API")
	f.StringVar(&cfg.ClusterCIDR, "cluster-cidr", "10.42.0.0/16", "pod network of the cluster (the server's --cluster-cidr): not masqueraded by the proxy")
	f.StringVar(&cfg.ProxyMode, "proxy-mode", "nftables", "service proxy backend: nftables (falls back to iptables), iptables, or none")
	dnsFlags(f, &cfg.DNS)
	f.BoolVarP(&verbose, "verbose", "v", false, "debug logging")
	cmd.MarkFlagRequired("server")
	return cmd
}

// inProcessAgent is the node agent `skiff server` runs unless --disable-agent.
func inProcessAgent(runtimeEndpoint, proxyMode, clusterCIDR string, maxPods, kubeletPort int, dns agent.DNSConfig, log *slog.Logger) server.AgentFunc {
	return func(ctx context.Context, c server.AgentConfig) error {
		a, err := agent.New(agent.Config{
			DataDir: c.DataDir, Kubeconfig: c.Kubeconfig, NodeName: c.NodeName, NodeIP: c.NodeIP,
			RuntimeEndpoint: runtimeEndpoint, MaxPods: maxPods, KubeletPort: kubeletPort, Log: log,
			ProxyMode: proxyMode, ClusterCIDR: clusterCIDR, DNS: dns,
		})
		if err != nil {
			return err
		}
		return a.Run(ctx)
	}
}

// dnsFlags binds the cluster DNS flags of `skiff agent` and `skiff server` (its in-process node).
func dnsFlags(f *pflag.FlagSet, c *agent.DNSConfig) {
	f.StringVar(&c.ClusterDNS, "cluster-dns", "10.43.0.10", "cluster IP of the kube-dns Service: the nameserver of pods with dnsPolicy ClusterFirst")
	f.StringVar(&c.ClusterDomain, "cluster-domain", "cluster.local", "cluster DNS domain")
	f.StringVar(&c.Bind, "cluster-dns-bind", "", "address of the node-local DNS server, UDP and TCP (default <node-ip>:53)")
}

func newLogger(verbose bool) *slog.Logger {
	level := slog.LevelInfo
	if verbose {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
}
