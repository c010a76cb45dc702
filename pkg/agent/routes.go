package agent

import (
	"context"

	"k8s.io/client-go/kubernetes"

	"skiff/pkg/hostgw"
)

// runRoutes keeps the host-gw routes to the other nodes' pod CIDRs (through their node IPs)
// until ctx ends.
func (a *Agent) runRoutes(ctx context.Context, client kubernetes.Interface) error {
	return (&hostgw.Syncer{Client: client, NodeName: a.cfg.NodeName, Log: a.cfg.Log}).Run(ctx)
}
