package etcd

import (
	"context"
	"log/slog"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
)

// Compactor periodically compacts etcd history, keeping at least one interval of it, so that
// watches older than that get 410 Gone rather than the database growing without bound.
type Compactor struct {
	Client   *clientv3.Client
	Interval time.Duration
	Log      *slog.Logger
}

// Run compacts every Interval until ctx ends. Each tick compacts up to the revision observed at
// the previous tick.
func (c *Compactor) Run(ctx context.Context) error {
	t := time.NewTicker(c.Interval)
	defer t.Stop()
	var last int64
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		resp, err := c.Client.Get(ctx, "compact_rev_key")
		if err != nil {
			c.Log.Warn("compaction: read revision", "err", err)
			continue
		}
		cur := resp.Header.Revision
		if last > 0 {
			if _, err := c.Client.Compact(ctx, last); err != nil {
				c.Log.Warn("compaction failed", "revision", last, "err", err)
			} else {
				c.Log.Debug("compacted", "revision", last)
			}
		}
		last = cur
	}
}
