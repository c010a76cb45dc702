package main

import (
	"context"
	"fmt"
)

// latency seeds the list namespace, then times create, get, update and list at each client
// count. Each client count writes to a fresh namespace, so workers start with no objects.
func (b *bench) latency(ctx context.Context) error {
	list, err := b.seedList(ctx)
	if err != nil {
		return err
	}
	for _, clients := range b.opts.Clients {
		set, err := newConfigMapSet(ctx, b.client, fmt.Sprintf("bench-c%d", clients), clients)
		if err != nil {
			return err
		}
		phases := []struct {
			name string
			op   opFunc
		}{{"create", set.Create}, {"get", set.Get}, {"update", set.Update}, {"list", list.List}}
		for _, p := range phases {
			r := runPhase(ctx, p.name, load{Clients: clients, Duration: b.opts.Duration}, p.op)
			b.logf("%-6s clients=%-3d calls=%-6d ops/s=%-7.0f p50=%s p99=%s errors=%d",
				r.Op, r.Clients, r.Latency.Count, r.OpsPerSec(), msec(r.Latency.P50), msec(r.Latency.P99), r.Errors)
			b.rep.Phases = append(b.rep.Phases, r)
		}
	}
	return ctx.Err()
}

// seedList creates the listed namespace's ConfigMaps and returns a lister that checks the count.
func (b *bench) seedList(ctx context.Context) (lister, error) {
	set, err := newConfigMapSet(ctx, b.client, "bench-list", 8)
	if err != nil {
		return lister{}, err
	}
	seed := runPhase(ctx, "seed", load{Clients: 8, Total: b.opts.ListSize}, set.Create)
	if seed.Errors > 0 {
		return lister{}, fmt.Errorf("seed list namespace: %w", seed.FirstErr)
	}
	return newLister(ctx, b.client, "bench-list")
}
