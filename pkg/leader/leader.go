// Package leader runs a function only while this process holds a Lease, so that several servers
// can run the scheduler and the controller manager while only one acts.
package leader

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/google/uuid"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/leaderelection"
	"k8s.io/client-go/tools/leaderelection/resourcelock"
)

// Config names the Lease and tunes the election (zero durations take upstream's 15s/10s/2s).
type Config struct {
	Client        kubernetes.Interface
	Namespace     string // kube-system by default
	Name          string // e.g. kube-scheduler
	Identity      string // hostname_uuid by default
	LeaseDuration time.Duration
	RenewDeadline time.Duration
	RetryPeriod   time.Duration
	Log           *slog.Logger
}

// Run campaigns for the Lease and runs fn while leading. It returns nil when ctx ends, and an
// error if leadership is lost (fn's context is cancelled first), so that a supervisor restarts it.
func Run(ctx context.Context, cfg Config, fn func(ctx context.Context) error) error {
	if cfg.Namespace == "" {
		cfg.Namespace = "kube-system"
	}
	if cfg.Identity == "" {
		host, _ := os.Hostname()
		cfg.Identity = host + "_" + uuid.NewString()
	}
	if cfg.LeaseDuration == 0 {
		cfg.LeaseDuration, cfg.RenewDeadline, cfg.RetryPeriod = 15*time.Second, 10*time.Second, 2*time.Second
	}
	lock := &resourcelock.LeaseLock{
		LeaseMeta:  metaFor(cfg.Namespace, cfg.Name),
		Client:     cfg.Client.CoordinationV1(),
		LockConfig: resourcelock.ResourceLockConfig{Identity: cfg.Identity},
	}
	errc := make(chan error, 1)
	lost := make(chan struct{})
	le, err := leaderelection.NewLeaderElector(leaderelection.LeaderElectionConfig{
		Lock: lock, Name: cfg.Name, ReleaseOnCancel: true,
		LeaseDuration: cfg.LeaseDuration, RenewDeadline: cfg.RenewDeadline, RetryPeriod: cfg.RetryPeriod,
		Callbacks: leaderelection.LeaderCallbacks{
			OnStartedLeading: func(ctx context.Context) {
				cfg.Log.Info("became leader", "lease", cfg.Name, "identity", cfg.Identity)
				errc <- fn(ctx)
			},
			OnStoppedLeading: func() { close(lost) },
		},
	})
	if err != nil {
		return fmt.Errorf("leader election %s: %w", cfg.Name, err)
	}
	le.Run(ctx)
	if ctx.Err() != nil {
		return nil
	}
	select {
	case err := <-errc:
		if err != nil {
			return err
		}
	default:
	}
	return fmt.Errorf("lost leadership of %s", cfg.Name)
}
