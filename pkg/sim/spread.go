package sim

import (
	"context"
	"time"
)

// minSpreadTick is the finest tick of a spread loop: below it, several nodes share a tick.
const minSpreadTick = 20 * time.Millisecond

// slot is when, within a round of length interval, item i of n is due: items are spaced
// evenly so n writes do not burst.
func slot(i, n int, interval time.Duration) time.Duration {
	return time.Duration(int64(interval) * int64(i) / int64(n))
}

// spread calls fn for every node once per interval, node i at slot(i) of each round, on
// heartbeatWriters goroutines. Errors of fn are counted and logged; the node is tried again next
// round. When the workers fall behind, rounds stretch instead of piling up. It blocks until
// ctx ends and returns nil.
func (s *Sim) spread(ctx context.Context, interval time.Duration, fn func(context.Context, int) error) error {
	due := make(chan int)
	done := make(chan struct{})
	writers := s.heartbeatWriters()
	for range writers {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := range due {
				if err := fn(ctx, i); err != nil && ctx.Err() == nil {
					s.stats.errors.Add(1)
					s.log.Warn("node heartbeat failed", "node", s.nodes[i].name, "err", err)
				}
			}
		}()
	}
	s.schedule(ctx, interval, due)
	close(due)
	for range writers {
		<-done
	}
	return nil
}

// heartbeatWriters is how many goroutines write heartbeats: one per 100 nodes (so a write
// latency of 10ms still renews each lease every 10s), at least cfg.Workers, at most 64.
func (s *Sim) heartbeatWriters() int {
	return min(max(len(s.nodes)/100, s.cfg.Workers), 64)
}

// schedule sends node indexes to due at their slots, round after round, until ctx ends.
func (s *Sim) schedule(ctx context.Context, interval time.Duration, due chan<- int) {
	n := len(s.nodes)
	tick := max(interval/time.Duration(n), minSpreadTick)
	t := s.cfg.Clock.NewTicker(tick)
	defer t.Stop()
	start, next := s.cfg.Clock.Now(), 0
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C():
			for ; next < n && now.Sub(start) >= slot(next, n, interval); next++ {
				select {
				case due <- next:
				case <-ctx.Done():
					return
				}
			}
			if next == n && now.Sub(start) >= interval {
				start, next = start.Add(interval), 0
				if now.Sub(start) >= interval { // fell behind: start the next round now
					start = now
				}
			}
		}
	}
}
