package sim

import (
	"context"
	"errors"
	"time"

	"golang.org/x/sync/errgroup"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
)

// registerParallelism bounds concurrent node registrations; the client's rate limiter bounds
// the request rate.
const registerParallelism = 16

// Run registers the nodes and their leases, then keeps leases and node heartbeats fresh and
// drives pods bound to the nodes until ctx ends. It blocks; it returns nil when ctx ends and an
// error when registration fails for a reason retrying cannot fix.
func (s *Sim) Run(ctx context.Context) error {
	pods := s.newPodController()
	g, gctx := errgroup.WithContext(ctx)
	pods.factory.Start(gctx.Done())
	defer pods.factory.Shutdown()
	if err := s.registerAll(gctx); err != nil {
		return ignoreCanceled(ctx, err)
	}
	if err := pods.waitSynced(gctx); err != nil {
		return ignoreCanceled(ctx, err)
	}
	s.log.Info("simulated nodes registered", "nodes", len(s.nodes), "prefix", s.cfg.NamePrefix)
	close(s.ready)
	g.Go(func() error { return s.spread(gctx, s.cfg.HeartbeatInterval, s.renewLease) })
	g.Go(func() error { return s.spread(gctx, s.cfg.StatusReportInterval, s.reportStatus) })
	g.Go(func() error { return pods.run(gctx) })
	return ignoreCanceled(ctx, g.Wait())
}

// registerAll registers every node and lease, a few at a time.
func (s *Sim) registerAll(ctx context.Context) error {
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(registerParallelism)
	for i := range s.nodes {
		g.Go(func() error {
			return s.retry(ctx, "register node "+s.nodes[i].name, func() error { return s.registerNode(ctx, i) })
		})
	}
	return g.Wait()
}

// retry calls fn until it succeeds, fails permanently, or ctx ends, backing off between tries.
func (s *Sim) retry(ctx context.Context, what string, fn func() error) error {
	backoff := 100 * time.Millisecond
	for {
		err := fn()
		if err == nil || permanent(err) {
			return err
		}
		s.stats.errors.Add(1)
		s.log.Debug("retrying", "what", what, "err", err)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-s.cfg.Clock.After(backoff):
		}
		backoff = min(2*backoff, 5*time.Second)
	}
}

// permanent reports errors that retrying the same request cannot fix.
func permanent(err error) bool {
	return apierrors.IsInvalid(err) || apierrors.IsForbidden(err) || apierrors.IsUnauthorized(err) ||
		apierrors.IsBadRequest(err) || apierrors.IsMethodNotSupported(err) || errors.Is(err, context.Canceled)
}

// ignoreCanceled turns the error of a run ended by its parent context into nil.
func ignoreCanceled(parent context.Context, err error) error {
	if parent.Err() != nil {
		return nil
	}
	return err
}
