package apiserver

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"

	"skiff/pkg/ipalloc"
	"skiff/pkg/storage"
)

// DefaultRepairInterval is how often RunAllocationRepair checks the allocations.
const DefaultRepairInterval = 3 * time.Minute

// RunAllocationRepair reconciles the Service address allocations with the stored Services now
// and then every interval (DefaultRepairInterval when 0), until ctx ends; it returns nil then.
// Errors of a pass are logged and retried at the next one. Several API servers may run it.
func (s *Server) RunAllocationRepair(ctx context.Context, interval time.Duration) error {
	if interval <= 0 {
		interval = DefaultRepairInterval
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if err := s.RepairAllocations(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("service allocation repair", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// RepairAllocations runs one repair pass: it records the items of stored Services that have no
// allocation (Services written before allocation existed, lost writes), and frees allocations no
// Service holds once two consecutive passes found them so, unchanged (a write in flight claims
// before it stores its Service, so one pass alone could free a fresh claim).
func (s *Server) RepairAllocations(ctx context.Context) error {
	a := s.svcAlloc
	a.repairMu.Lock()
	defer a.repairMu.Unlock()
	ipHeld, ipRevs, err := a.ipKeys.ListRevisions(ctx)
	if err != nil {
		return fmt.Errorf("list cluster IP allocations: %w", err)
	}
	portHeld, portRevs, err := a.portKeys.ListRevisions(ctx)
	if err != nil {
		return fmt.Errorf("list node port allocations: %w", err)
	}
	svcs, err := s.storedServices(ctx)
	if err != nil {
		return err
	}
	wantIPs, wantPorts := map[string]string{}, map[string]string{}
	for _, svc := range svcs {
		h, owner := heldBy(svc), serviceOwner(svc)
		for _, ip := range h.ips {
			wantIPs[ip] = owner
		}
		for _, p := range h.ports {
			wantPorts[p] = owner
		}
	}
	suspects := map[string]int64{}
	a.repairKind(ctx, "clusterips", a.ips, a.ipKeys, wantIPs, ipHeld, ipRevs, suspects)
	a.repairKind(ctx, "nodeports", a.ports, a.portKeys, wantPorts, portHeld, portRevs, suspects)
	a.suspects = suspects
	return nil
}

func (a *serviceAllocator) repairKind(ctx context.Context, kind string, al *ipalloc.Allocator, keys *ipalloc.EtcdBackend,
	want, held map[string]string, revs map[string]int64, suspects map[string]int64) {
	for item, owner := range want {
		cur, ok := held[item]
		switch {
		case !ok:
			if _, in := al.Range().Index(item); !in {
				a.log.Warn("service holds an address outside the configured range", "kind", kind, "item", item, "service", owner)
				continue
			}
			if ok, err := keys.Claim(ctx, item, owner); err != nil || !ok {
				a.log.Warn("record missing allocation", "kind", kind, "item", item, "service", owner, "claimed", ok, "err", err)
			}
		case cur != owner:
			a.log.Warn("allocation held by another service", "kind", kind, "item", item, "service", owner, "holder", cur)
		}
	}
	for item, owner := range held {
		if want[item] == owner {
			continue
		}
		key := kind + "/" + item
		if rev := a.suspects[key]; rev == revs[item] {
			a.log.Info("freeing leaked allocation", "kind", kind, "item", item, "holder", owner)
			if err := keys.ReleaseAt(ctx, item, rev); err != nil {
				a.log.Warn("free leaked allocation", "kind", kind, "item", item, "err", err)
			}
			continue
		}
		suspects[key] = revs[item]
	}
}

// storedServices lists every stored Service.
func (s *Server) storedServices(ctx context.Context) ([]*corev1.Service, error) {
	r := s.byPath["/v1/services"]
	res, err := r.store.List(ctx, r.key("", ""), storage.ListOptions{})
	if err != nil {
		return nil, fmt.Errorf("list services: %w", err)
	}
	out := make([]*corev1.Service, 0, len(res.Items))
	for _, it := range res.Items {
		if svc, ok := it.(*corev1.Service); ok {
			out = append(out, svc)
		}
	}
	return out, nil
}
