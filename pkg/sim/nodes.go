package sim

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

const fieldManager = "skiff-sim"

// registerNode creates node i, or adopts an existing node of that name, then its lease.
func (s *Sim) registerNode(ctx context.Context, i int) error {
	st := &s.state[i]
	st.mu.Lock()
	defer st.mu.Unlock()
	node, err := s.upsertNode(ctx, buildNode(s.cfg, s.nodes[i], s.cfg.Clock.Now()))
	if err != nil {
		return err
	}
	st.uid, st.conditions = node.UID, node.Status.Conditions
	return s.ensureLease(ctx, i)
}

// upsertNode creates desired, or updates the existing node of its name and then its status.
func (s *Sim) upsertNode(ctx context.Context, desired *corev1.Node) (*corev1.Node, error) {
	nodes := s.client.CoreV1().Nodes()
	s.stats.nodeWrites.Add(1)
	created, err := nodes.Create(ctx, desired, metav1.CreateOptions{FieldManager: fieldManager})
	if err == nil || !apierrors.IsAlreadyExists(err) {
		return created, err
	}
	existing, err := nodes.Get(ctx, desired.Name, metav1.GetOptions{})
	if err != nil {
		return nil, err
	}
	s.stats.nodeWrites.Add(2)
	updated, err := nodes.Update(ctx, adoptNode(existing, desired), metav1.UpdateOptions{FieldManager: fieldManager})
	if err != nil {
		return nil, fmt.Errorf("adopt node: %w", err)
	}
	updated.Status = desired.Status
	return nodes.UpdateStatus(ctx, updated, metav1.UpdateOptions{FieldManager: fieldManager})
}

// ensureLease creates or takes over node i's lease; the caller holds the node's lock.
func (s *Sim) ensureLease(ctx context.Context, i int) error {
	leases := s.client.CoordinationV1().Leases(NodeLeaseNamespace)
	s.stats.leaseWrites.Add(1)
	cur, err := leases.Create(ctx, s.buildLease(i, nil), metav1.CreateOptions{FieldManager: fieldManager})
	if apierrors.IsAlreadyExists(err) {
		if cur, err = leases.Get(ctx, s.nodes[i].name, metav1.GetOptions{}); err == nil {
			s.stats.leaseWrites.Add(1)
			cur, err = leases.Update(ctx, s.buildLease(i, cur), metav1.UpdateOptions{FieldManager: fieldManager})
		}
	}
	if err != nil {
		return fmt.Errorf("lease: %w", err)
	}
	s.state[i].lease = cur
	return nil
}

// buildLease is node i's lease renewed now, based on cur (our own copy) when not nil.
func (s *Sim) buildLease(i int, cur *coordinationv1.Lease) *coordinationv1.Lease {
	l := &coordinationv1.Lease{ObjectMeta: metav1.ObjectMeta{Name: s.nodes[i].name, Namespace: NodeLeaseNamespace}}
	if cur != nil {
		l = cur.DeepCopy()
	}
	st := &s.state[i]
	l.OwnerReferences = []metav1.OwnerReference{{APIVersion: "v1", Kind: "Node", Name: s.nodes[i].name, UID: st.uid}}
	l.Spec.HolderIdentity = ptrTo(s.nodes[i].name)
	l.Spec.LeaseDurationSeconds = ptrTo(int32(s.cfg.LeaseDuration / time.Second))
	l.Spec.RenewTime = &metav1.MicroTime{Time: s.cfg.Clock.Now()}
	return l
}

// renewLease renews node i's lease from the simulator's own copy; a conflict or a missing
// lease makes it take the lease over again.
func (s *Sim) renewLease(ctx context.Context, i int) error {
	st := &s.state[i]
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.lease == nil {
		return s.ensureLease(ctx, i)
	}
	s.stats.leaseWrites.Add(1)
	l, err := s.client.CoordinationV1().Leases(NodeLeaseNamespace).Update(ctx, s.buildLease(i, st.lease), metav1.UpdateOptions{FieldManager: fieldManager})
	if apierrors.IsConflict(err) || apierrors.IsNotFound(err) {
		return s.ensureLease(ctx, i)
	}
	if err != nil {
		return err
	}
	st.lease = l
	return nil
}

// reportStatus patches node i's conditions with a fresh heartbeat; a deleted node is
// registered again.
func (s *Sim) reportStatus(ctx context.Context, i int) error {
	st := &s.state[i]
	st.mu.Lock()
	patch, err := json.Marshal(heartbeatPatch(st.conditions, s.cfg.Clock.Now()))
	if err != nil {
		st.mu.Unlock()
		return err
	}
	s.stats.nodeWrites.Add(1)
	node, err := s.client.CoreV1().Nodes().Patch(ctx, s.nodes[i].name, types.StrategicMergePatchType, patch, metav1.PatchOptions{FieldManager: fieldManager}, "status")
	if err == nil {
		st.conditions = node.Status.Conditions
	}
	st.mu.Unlock()
	if apierrors.IsNotFound(err) {
		s.log.Info("node was deleted, registering it again", "node", s.nodes[i].name)
		return s.registerNode(ctx, i)
	}
	return err
}
