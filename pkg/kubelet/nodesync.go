package kubelet

import (
	"context"
	"fmt"
	"maps"
	"time"

	coordv1 "k8s.io/api/coordination/v1"
	v1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func (k *Kubelet) identity() nodeIdentity {
	k.mu.Lock()
	defer k.mu.Unlock()
	return nodeIdentity{
		Name: k.cfg.NodeName, IP: k.cfg.NodeIP, MaxPods: k.cfg.MaxPods, KubeletPort: k.cfg.KubeletPort,
		RuntimeName: k.runtimeName, RuntimeVer: k.runtimeVer, Labels: k.cfg.NodeLabels,
	}
}

// registerNode creates the Node, or adopts an existing one (adding the kubelet's labels), and
// writes its status. It retries until it succeeds or ctx ends.
func (k *Kubelet) registerNode(ctx context.Context) error {
	for {
		err := k.tryRegister(ctx)
		if err == nil {
			return nil
		}
		k.log.Warn("node registration failed", "err", err)
		select {
		case <-ctx.Done():
			return fmt.Errorf("kubelet: register node: %w", err)
		case <-k.cfg.Clock.After(time.Second):
		}
	}
}

func (k *Kubelet) tryRegister(ctx context.Context) error {
	id := k.identity()
	nodes := k.cfg.Client.CoreV1().Nodes()
	want := &v1.Node{ObjectMeta: metav1.ObjectMeta{Name: id.Name, Labels: nodeLabels(id)}}
	node, err := nodes.Create(ctx, want, metav1.CreateOptions{})
	if apierrors.IsAlreadyExists(err) {
		node, err = nodes.Get(ctx, id.Name, metav1.GetOptions{})
		if err == nil && !hasLabels(node.Labels, want.Labels) {
			node = node.DeepCopy()
			if node.Labels == nil {
				node.Labels = map[string]string{}
			}
			maps.Copy(node.Labels, want.Labels)
			node, err = nodes.Update(ctx, node, metav1.UpdateOptions{})
		}
	}
	if err != nil {
		return err
	}
	return k.writeNodeStatus(ctx, node, true)
}

func hasLabels(have, want map[string]string) bool {
	for key, v := range want {
		if have[key] != v {
			return false
		}
	}
	return true
}

// syncNodeStatus follows the Node's pod CIDR and writes its status when it changed or when
// NodeStatusReportFrequency passed since the last write.
func (k *Kubelet) syncNodeStatus(ctx context.Context) {
	node, err := k.cfg.Client.CoreV1().Nodes().Get(ctx, k.cfg.NodeName, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		err = k.tryRegister(ctx)
	} else if err == nil {
		err = k.writeNodeStatus(ctx, node, false)
	}
	if err != nil && ctx.Err() == nil {
		k.log.Warn("node status update failed", "err", err)
	}
}

// writeNodeStatus computes node's status and writes it when it changed, when force is set,
// or when the report interval passed. It also picks up spec.podCIDR.
func (k *Kubelet) writeNodeStatus(ctx context.Context, node *v1.Node, force bool) error {
	k.followPodCIDR(node)
	now := k.cfg.Clock.Now()
	pressure := decidePressure(readNodeReadings(k.cfg.RootDir), defaultEvictionHard)
	want := buildNodeStatus(k.identity(), readMachineFacts(k.cfg.RootDir), pressure, node.Status.Conditions, now)
	k.mu.Lock()
	k.allocatable = want.Allocatable
	k.mu.Unlock()
	if !force && !statusChanged(node.Status, want) && !heartbeatDue(node.Status.Conditions, now, k.cfg.NodeStatusReportFrequency) {
		return nil
	}
	next := node.DeepCopy()
	next.Status = want
	next.Status.Images, next.Status.VolumesInUse, next.Status.VolumesAttached = node.Status.Images, node.Status.VolumesInUse, node.Status.VolumesAttached
	_, err := k.cfg.Client.CoreV1().Nodes().UpdateStatus(ctx, next, metav1.UpdateOptions{})
	return err
}

// heartbeatDue reports whether the Ready condition's heartbeat is older than every.
func heartbeatDue(conds []v1.NodeCondition, now time.Time, every time.Duration) bool {
	for _, c := range conds {
		if c.Type == v1.NodeReady {
			return now.Sub(c.LastHeartbeatTime.Time) >= every
		}
	}
	return true
}

// followPodCIDR rewrites the CNI config when the Node's spec.podCIDR differs from the one in use.
func (k *Kubelet) followPodCIDR(node *v1.Node) {
	cidr := node.Spec.PodCIDR
	k.mu.Lock()
	changed := cidr != "" && cidr != k.podCIDR
	if changed {
		k.podCIDR = cidr
	}
	k.mu.Unlock()
	if changed {
		if err := k.writeCNIConfig(); err != nil {
			k.log.Warn("write CNI config", "err", err)
		}
	}
}

// renewLease creates or renews the node's Lease in kube-node-lease.
func (k *Kubelet) renewLease(ctx context.Context) {
	if err := k.tryRenewLease(ctx); err != nil && ctx.Err() == nil {
		k.log.Warn("lease renewal failed", "err", err)
	}
}

func (k *Kubelet) tryRenewLease(ctx context.Context) error {
	leases := k.cfg.Client.CoordinationV1().Leases(v1.NamespaceNodeLease)
	now := metav1.NewMicroTime(k.cfg.Clock.Now())
	lease, err := leases.Get(ctx, k.cfg.NodeName, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		lease = &coordv1.Lease{ObjectMeta: metav1.ObjectMeta{Name: k.cfg.NodeName, Namespace: v1.NamespaceNodeLease}}
		k.fillLease(ctx, lease, now)
		_, err = leases.Create(ctx, lease, metav1.CreateOptions{})
		return err
	}
	if err != nil {
		return err
	}
	lease = lease.DeepCopy()
	k.fillLease(ctx, lease, now)
	_, err = leases.Update(ctx, lease, metav1.UpdateOptions{})
	return err
}

func (k *Kubelet) fillLease(ctx context.Context, l *coordv1.Lease, now metav1.MicroTime) {
	l.Spec.HolderIdentity = &k.cfg.NodeName
	l.Spec.LeaseDurationSeconds = &k.cfg.LeaseDurationSeconds
	l.Spec.RenewTime = &now
	if len(l.OwnerReferences) == 0 {
		if node, err := k.cfg.Client.CoreV1().Nodes().Get(ctx, k.cfg.NodeName, metav1.GetOptions{}); err == nil {
			l.OwnerReferences = []metav1.OwnerReference{{APIVersion: "v1", Kind: "Node", Name: node.Name, UID: node.UID}}
		}
	}
}
