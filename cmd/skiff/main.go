// Command skiff is the single binary of Skiff: the control plane (`skiff server`), upstream
// kubectl (`skiff kubectl`) and `skiff version`.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/spf13/cobra"
	kubectlcmd "k8s.io/kubectl/pkg/cmd"

	"skiff/pkg/agent"
	"skiff/pkg/server"
	"skiff/pkg/version"
)

func main() {
	if err := root().Execute(); err != nil {
		os.Exit(1)
	}
}

func root() *cobra.Command {
	cmd := &cobra.Command{Use: "skiff", Short: "Skiff: a container orchestrator that speaks the Kubernetes API", SilenceUsage: true}
	cmd.AddCommand(serverCmd(), agentCmd(), kubectlCmd(), versionCmd(), schedulerCmd(), simCmd())
	return cmd
}

func defaultDataDir() string {
	if os.Geteuid() == 0 {
		return "/var/lib/skiff"
	}
	home, _ := os.UserHomeDir()
	return filepath.Join(home, ".local", "share", "skiff")
}

func serverCmd() *cobra.Command {
	cfg := server.Config{}
	var verbose bool
	var runtimeEndpoint, proxyMode string
	var maxPods, kubeletPort int
	var dns agent.DNSConfig
	cmd := &cobra.Command{
		Use:   "server",
		Short: "Run the control plane: embedded etcd, API server and controllers",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg.Log = newLogger(verbose)
			cfg.Version = version.Info()
			cfg.ClusterDNS = dns.ClusterDNS
			cfg.Agent = inProcessAgent(runtimeEndpoint, proxyMode, cfg.ClusterCIDR, maxPods, kubeletPort, dns, cfg.Log)
			s, err := server.New(cfg)
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return s.Run(ctx)
		},
	}
	f := cmd.Flags()
	f.StringVar(&cfg.DataDir, "data-dir", defaultDataDir(), "directory for state: etcd data, certificates, kubeconfig")
	f.StringVar(&cfg.BindAddress, "bind-address", "0.0.0.0", "address the API server listens on")
	f.IntVar(&cfg.HTTPSPort, "https-port", 6443, "port of the API server (HTTPS)")
	f.StringSliceVar(&cfg.EtcdServers, "etcd-servers", nil, "URLs of an existing etcd cluster (no embedded etcd then)")
	f.IntVar(&cfg.EtcdClientPort, "etcd-client-port", 2379, "loopback client port of the embedded etcd")
	f.IntVar(&cfg.EtcdPeerPort, "etcd-peer-port", 2380, "loopback peer port of the embedded etcd")
	f.BoolVar(&cfg.DisableAgent, "disable-agent", false, "do not run a node agent in this process")
	f.StringVar(&cfg.NodeName, "node-name", "", "name of the in-process node (default: the host name)")
	f.StringVar(&cfg.NodeIP, "node-ip", "", "IP of the in-process node (default: the address of the default route)")
	f.StringVar(&cfg.ServiceCIDR, "service-cluster-ip-range", "10.43.0.0/16", "CIDR Service cluster IPs are allocated from (the first address is the kubernetes Service's)")
	f.StringVar(&cfg.NodePortRange, "service-node-port-range", "30000-32767", "port range Service node ports are allocated from")
	f.StringVar(&cfg.ClusterCIDR, "cluster-cidr", "10.42.0.0/16", "CIDR pod CIDRs are given to nodes from")
	f.IntVar(&cfg.NodeCIDRMaskSize, "node-cidr-mask-size", 24, "prefix length of each node's pod CIDR")
	f.IntVar(&cfg.MaxEndpointsPerSlice, "max-endpoints-per-slice", 100, "endpoints per EndpointSlice at most (1-1000)")
	f.StringVar(&cfg.AdvertiseAddress, "advertise-address", "", "address the kubernetes Service's endpoints point at (default: --bind-address if specific, else the address of the default route)")
	f.StringVar(&runtimeEndpoint, "container-runtime-endpoint", "", "CRI socket of the in-process node (default: run containerd under <data-dir>/agent)")
	f.IntVar(&maxPods, "max-pods", 110, "pods the in-process node accepts")
	f.IntVar(&kubeletPort, "kubelet-port", 10250, "port of the in-process node's kubelet HTTPS API")
	dnsFlags(f, &dns)
	f.StringVar(&proxyMode, "proxy-mode", "nftables", "service proxy backend of the in-process node: nftables (falls back to iptables), iptables, or none")
	f.StringVar(&cfg.KubeconfigPath, "write-kubeconfig", "", "where to write the admin kubeconfig (default <data-dir>/kubeconfig.yaml)")
	f.StringSliceVar(&cfg.TLSSANs, "tls-san", nil, "extra host names or IPs for the serving certificate")
	f.DurationVar(&cfg.CompactInterval, "etcd-compaction-interval", 0, "how often etcd history is compacted (default 5m)")
	f.BoolVarP(&verbose, "verbose", "v", false, "debug logging")
	return cmd
}

// kubectlCmd hands its arguments to upstream kubectl, pointed at the local cluster's admin
// kubeconfig when KUBECONFIG is unset and no --kubeconfig flag is given.
func kubectlCmd() *cobra.Command {
	return &cobra.Command{
		Use:                "kubectl",
		Short:              "Run kubectl against the cluster (uses <data-dir>/kubeconfig.yaml when KUBECONFIG is unset)",
		DisableFlagParsing: true,
		RunE: func(_ *cobra.Command, args []string) error {
			if os.Getenv("KUBECONFIG") == "" && !hasKubeconfigFlag(args) {
				path := filepath.Join(defaultDataDir(), "kubeconfig.yaml")
				if _, err := os.Stat(path); err == nil {
					os.Setenv("KUBECONFIG", path)
				}
			}
			k := kubectlcmd.NewDefaultKubectlCommand()
			k.SetArgs(args)
			if err := k.Execute(); err != nil {
				os.Exit(1)
			}
			return nil
		},
	}
}

func hasKubeconfigFlag(args []string) bool {
	for _, a := range args {
		if a == "--kubeconfig" || len(a) > 13 && a[:13] == "--kubeconfig=" {
			return true
		}
	}
	return false
}

func versionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Run: func(*cobra.Command, []string) {
			v := version.Info()
			fmt.Printf("skiff %s (%s, %s)\n", v.GitVersion, v.GoVersion, v.Platform)
		},
	}
}
