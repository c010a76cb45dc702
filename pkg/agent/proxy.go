package agent

import (
	"context"

	"golang.org/x/sync/errgroup"
	v1 "k8s.io/api/core/v1"
	"k8s.io/client-go/kubernetes"

	"skiff/pkg/proxy"
)

// startProxy starts the node's service proxy in g (unless ProxyMode is "none") and returns
// its termination gate for the kubelet (nil without a proxy).
func (a *Agent) startProxy(ctx context.Context, g *errgroup.Group, client kubernetes.Interface) (func(context.Context, *v1.Pod) error, error) {
	if a.cfg.ProxyMode == "none" {
		return nil, nil
	}
	p, err := proxy.New(proxy.Config{
		Client: client, NodeName: a.cfg.NodeName, NodeIPs: []string{a.cfg.NodeIP},
		Mode: a.cfg.ProxyMode, Log: a.cfg.Log,
	})
	if err != nil {
		return nil, err
	}
	g.Go(func() error { return p.Run(ctx) })
	return p.TerminationGate, nil
}
