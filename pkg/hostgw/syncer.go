package hostgw

import (
	"context"
	"log/slog"
	"slices"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
)

// DefaultResync is how often a Syncer rewrites its routes even without Node changes (it puts
// back routes someone deleted).
const DefaultResync = 30 * time.Second

// Routes reads and writes the routes a Syncer owns (Applier in production).
type Routes interface {
	Current() ([]Route, error)
	Apply(set, del []Route) error
}

// Syncer keeps this node's host-gw routes in line with the Nodes.
type Syncer struct {
	Client kubernetes.Interface
	// NodeName is this node: it gets no route to its own pod CIDR.
	NodeName string
	// Routes is where routes are applied (default: an Applier on the process's netns).
	Routes Routes
	// Resync defaults to DefaultResync.
	Resync time.Duration
	Log    *slog.Logger
}

// Run watches the Nodes and syncs the routes on every change and every Resync, until ctx
// ends; it blocks and returns nil. Sync failures are logged and retried at the next trigger.
func (s *Syncer) Run(ctx context.Context) error {
	if s.Routes == nil {
		s.Routes = &Applier{}
	}
	if s.Resync <= 0 {
		s.Resync = DefaultResync
	}
	if s.Log == nil {
		s.Log = slog.Default()
	}
	log := s.Log.With("component", "hostgw", "node", s.NodeName)
	f := informers.NewSharedInformerFactory(s.Client, 0)
	inf := f.Core().V1().Nodes()
	kick := make(chan struct{}, 1)
	poke := func(any) {
		select {
		case kick <- struct{}{}:
		default:
		}
	}
	// Status heartbeats do not move routes: only updates of what Desired reads wake the loop.
	onUpdate := func(o, n any) {
		if routeInputsDiffer(o, n) {
			poke(n)
		}
	}
	if _, err := inf.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{AddFunc: poke, UpdateFunc: onUpdate, DeleteFunc: poke}); err != nil {
		return err
	}
	f.Start(ctx.Done())
	defer f.Shutdown()
	if !cache.WaitForCacheSync(ctx.Done(), inf.Informer().HasSynced) {
		return nil
	}
	t := time.NewTicker(s.Resync)
	defer t.Stop()
	for {
		nodes, err := inf.Lister().List(labels.Everything())
		if err == nil {
			err = s.sync(Desired(s.NodeName, nodes), log)
		}
		if err != nil {
			log.Warn("sync routes", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-kick:
		case <-t.C:
		}
	}
}

func (s *Syncer) sync(desired []Route, log *slog.Logger) error {
	current, err := s.Routes.Current()
	if err != nil {
		return err
	}
	set, del := Plan(current, desired)
	if len(set)+len(del) == 0 {
		return nil
	}
	log.Info("updating pod network routes", "set", len(set), "delete", len(del))
	return s.Routes.Apply(set, del)
}

// routeInputsDiffer reports whether an update changed what Desired reads of a Node (pod
// CIDRs, addresses); anything but two Nodes counts as a change.
func routeInputsDiffer(o, n any) bool {
	a, ok1 := o.(*corev1.Node)
	b, ok2 := n.(*corev1.Node)
	if !ok1 || !ok2 {
		return true
	}
	return a.Spec.PodCIDR != b.Spec.PodCIDR || !slices.Equal(a.Spec.PodCIDRs, b.Spec.PodCIDRs) ||
		!slices.Equal(a.Status.Addresses, b.Status.Addresses)
}
