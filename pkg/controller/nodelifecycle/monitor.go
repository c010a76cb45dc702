package nodelifecycle

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// monitor runs one pass over every node: note heartbeats, then write status and taints where
// the plan says so. Failures are logged; the next pass retries.
func (c *Controller) monitor(ctx context.Context) {
	nodes, err := c.nodes.List(labels.Everything())
	if err != nil {
		c.log.Warn("list nodes", "err", err)
		return
	}
	now := c.clk.Now()
	live := make(map[string]bool, len(nodes))
	for _, n := range nodes {
		live[n.Name] = true
		prev, ok := c.probes[n.Name]
		p := observe(prev, ok, fingerprint(n, c.leaseRenewal(n.Name)), now)
		c.probes[n.Name] = p
		if err := c.apply(ctx, n, decideNode(n, p.seen, now, c.cfg.GracePeriod)); err != nil {
			c.log.Warn("update node", "node", n.Name, "err", err)
		}
	}
	for name := range c.probes {
		if !live[name] {
			delete(c.probes, name)
		}
	}
}

// leaseRenewal is the renewTime of the node's lease as text, or "" without one.
func (c *Controller) leaseRenewal(node string) string {
	l, err := c.leases.Leases(LeaseNamespace).Get(node)
	if err != nil || l.Spec.RenewTime == nil {
		return ""
	}
	return l.Spec.RenewTime.UTC().String()
}

// apply writes a node plan: status first, then taints on the updated object.
func (c *Controller) apply(ctx context.Context, cached *corev1.Node, p nodePlan) error {
	n := cached
	if p.statusChanged {
		n = cached.DeepCopy()
		n.Status.Conditions = p.conditions
		var err error
		if n, err = c.cs.CoreV1().Nodes().UpdateStatus(ctx, n, metav1.UpdateOptions{}); err != nil {
			return ignoreGone(fmt.Errorf("mark status unknown: %w", err))
		}
		c.log.Info("node stopped posting status", "node", n.Name)
		c.rec.Eventf(n, corev1.EventTypeNormal, "NodeNotReady", "Node %s status is now: NodeNotReady", n.Name)
	}
	if !p.taintsChanged {
		return nil
	}
	n = n.DeepCopy()
	n.Spec.Taints = p.taints
	_, err := c.cs.CoreV1().Nodes().Update(ctx, n, metav1.UpdateOptions{})
	return ignoreGone(err)
}

func ignoreGone(err error) error {
	if apierrors.IsNotFound(err) {
		return nil
	}
	return err
}
