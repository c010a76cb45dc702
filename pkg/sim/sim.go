package sim

import (
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"

	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
)

// Sim runs a fleet of simulated nodes against one API server. Build it with New; Run does the
// work. A Sim is used once.
type Sim struct {
	cfg    Config
	client kubernetes.Interface
	log    *slog.Logger
	nodes  []simNode
	byName map[string]int
	state  []nodeState
	ips    *ipam
	stats  counters
	ready  chan struct{}
}

// nodeState is what the simulator remembers of its own writes for one node; mu serialises the
// writers of that node.
type nodeState struct {
	mu         sync.Mutex
	uid        types.UID
	conditions []corev1.NodeCondition
	lease      *coordinationv1.Lease
}

// Stats counts the simulator's API writes since Run started.
type Stats struct {
	NodeWrites       int64 // node and node status creates, updates, patches
	LeaseWrites      int64 // lease creates and renewals
	PodStatusUpdates int64 // pods/status updates
	PodDeletes       int64 // final deletions of terminating pods
	Errors           int64 // failed writes (retried)
}

type counters struct {
	nodeWrites, leaseWrites, podStatus, podDeletes, errors atomic.Int64
}

// New validates cfg and returns a Sim using client for every API call. It does no I/O.
func New(cfg Config, client kubernetes.Interface) (*Sim, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if client == nil {
		return nil, fmt.Errorf("sim: client is required")
	}
	s := &Sim{
		cfg: cfg, client: client, log: cfg.Log.With("component", "sim"),
		byName: make(map[string]int, cfg.Nodes), state: make([]nodeState, cfg.Nodes),
		ips: newIPAM(), ready: make(chan struct{}),
	}
	for i := range cfg.Nodes {
		n := newSimNode(cfg.NamePrefix, i)
		s.nodes = append(s.nodes, n)
		s.byName[n.name] = i
	}
	return s, nil
}

// NodeNames lists the names of the simulated nodes, in index order. The caller owns the slice.
func (s *Sim) NodeNames() []string {
	out := make([]string, len(s.nodes))
	for i, n := range s.nodes {
		out[i] = n.name
	}
	return out
}

// Ready is closed once every node and lease is registered and the pod informer has synced.
func (s *Sim) Ready() <-chan struct{} { return s.ready }

// Stats returns the write counters; safe to call at any time.
func (s *Sim) Stats() Stats {
	return Stats{
		NodeWrites: s.stats.nodeWrites.Load(), LeaseWrites: s.stats.leaseWrites.Load(),
		PodStatusUpdates: s.stats.podStatus.Load(), PodDeletes: s.stats.podDeletes.Load(), Errors: s.stats.errors.Load(),
	}
}
