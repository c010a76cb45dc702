package agent

import (
	"context"
	"os"

	"golang.org/x/sync/errgroup"
	v1 "k8s.io/api/core/v1"
	"k8s.io/client-go/kubernetes"

	"skiff/pkg/proxy"
)

// NoTerminationGateEnv, when set in the agent's environment, turns the termination gate off
// (upstream behaviour: SIGTERM races the endpoint removal). It exists to measure what the gate
// saves (docs/performance.md); nobody should need it in production.
const NoTerminationGateEnv = "SKIFF_NO_TERMINATION_GATE"

// startProxy starts the node's service proxy in g (unless ProxyMode is "none") and returns
// its termination gate for the kubelet (nil without a proxy).
func (a *Agent) startProxy(ctx context.Context, g *errgroup.Group, client kubernetes.Interface) (func(context.Context, *v1.Pod) error, error) {
	if a.cfg.ProxyMode == "none" {
		return nil, nil
	}
	p, err := proxy.New(proxy.Config{
		Client: client, NodeName: a.cfg.NodeName, NodeIPs: []string{a.cfg.NodeIP},
		Mode: a.cfg.ProxyMode, ClusterCIDR: a.cfg.ClusterCIDR, Log: a.cfg.Log,
	})
	if err != nil {
		return nil, err
	}
	g.Go(func() error { return p.Run(ctx) })
	if os.Getenv(NoTerminationGateEnv) != "" {
		a.log.Warn("termination gate disabled: pods get SIGTERM while proxies may still send them new connections", "env", NoTerminationGateEnv)
		return nil, nil
	}
	return p.TerminationGate, nil
}
