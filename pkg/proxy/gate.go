package proxy

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	v1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	coordinationlisters "k8s.io/client-go/listers/coordination/v1"
	corelisters "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/cache"
)

// gatePoll is how often the gate re-evaluates while it holds a pod.
const gatePoll = 25 * time.Millisecond

// gate implements Proxy.TerminationGate from the proxy's informer caches.
type gate struct {
	p      *Proxy
	leases coordinationlisters.LeaseLister
	nodes  corelisters.NodeLister
	synced []cache.InformerSynced

	mu   sync.Mutex
	seen map[types.UID]gateEntry
}

// gateEntry remembers a pod's deadline, so that the kubelet calling again (it retries a
// termination) neither waits twice nor beyond the bound.
type gateEntry struct {
	deadline time.Time
	open     bool
}

func newGate(p *Proxy) *gate {
	return &gate{
		p:      p,
		leases: p.leases.Coordination().V1().Leases().Lister(),
		nodes:  p.informer.Core().V1().Nodes().Lister(),
		seen:   map[types.UID]gateEntry{},
	}
}

// start registers the gate's informers (before the factories start).
func (g *gate) start() {
	g.synced = []cache.InformerSynced{
		g.p.leases.Coordination().V1().Leases().Informer().HasSynced,
		g.p.informer.Core().V1().Nodes().Informer().HasSynced,
		g.p.informer.Discovery().V1().EndpointSlices().Informer().HasSynced,
	}
}

func (g *gate) wait(ctx context.Context, pod *v1.Pod) error {
	deadline, open := g.entry(pod)
	if open {
		return nil
	}
	why := "caches not synced"
	for {
		if g.hasSynced() {
			var ok bool
			if ok, why = gateOpen(g.input(pod)); ok {
				g.mark(pod.UID)
				return nil
			}
		}
		if !g.p.cfg.Clock.Now().Before(deadline) {
			g.mark(pod.UID)
			g.p.log.Info("termination gate timed out", "pod", pod.Name, "namespace", pod.Namespace, "waiting for", why)
			return fmt.Errorf("termination gate: timed out waiting for %s", why)
		}
		if !sleep(ctx, g.p.cfg.Clock, gatePoll) {
			return ctx.Err()
		}
	}
}

func (g *gate) hasSynced() bool {
	for _, s := range g.synced {
		if !s() {
			return false
		}
	}
	return len(g.synced) > 0
}

// entry returns the pod's deadline (set on the first call: min(grace, GateTimeout) from
// now) and whether the gate already let it through; it forgets entries over an hour old.
func (g *gate) entry(pod *v1.Pod) (time.Time, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.p.cfg.Clock.Now()
	if e, ok := g.seen[pod.UID]; ok {
		return e.deadline, e.open
	}
	for uid, e := range g.seen {
		if now.Sub(e.deadline) > time.Hour {
			delete(g.seen, uid)
		}
	}
	bound := min(time.Duration(graceSeconds(pod))*time.Second, g.p.cfg.GateTimeout)
	e := gateEntry{deadline: now.Add(bound), open: bound <= 0 || pod.Status.PodIP == ""}
	g.seen[pod.UID] = e
	return e.deadline, e.open
}

func (g *gate) mark(uid types.UID) {
	g.mu.Lock()
	defer g.mu.Unlock()
	e := g.seen[uid]
	e.open = true
	g.seen[uid] = e
}

func graceSeconds(pod *v1.Pod) int64 {
	if pod.DeletionGracePeriodSeconds != nil {
		return *pod.DeletionGracePeriodSeconds
	}
	if pod.Spec.TerminationGracePeriodSeconds != nil {
		return *pod.Spec.TerminationGracePeriodSeconds
	}
	return v1.DefaultTerminationGracePeriodSeconds
}

func (g *gate) input(pod *v1.Pod) gateInput {
	in := gateInput{pod: pod, readyNodes: map[string]bool{}, now: g.p.cfg.Clock.Now()}
	in.slices, _ = g.p.slices.EndpointSlices(pod.Namespace).List(labels.Everything())
	leases, _ := g.leases.List(labels.Everything())
	for _, l := range leases {
		if pl, ok := parseProxyLease(l); ok {
			in.leases = append(in.leases, pl)
		}
	}
	nodes, _ := g.nodes.List(labels.Everything())
	for _, n := range nodes {
		in.readyNodes[n.Name] = nodeReady(n)
	}
	return in
}

func nodeReady(n *v1.Node) bool {
	for _, c := range n.Status.Conditions {
		if c.Type == v1.NodeReady {
			return c.Status == v1.ConditionTrue
		}
	}
	return false
}

// gateInput is a snapshot for gateOpen.
type gateInput struct {
	pod        *v1.Pod
	slices     []*discoveryv1.EndpointSlice // of the pod's namespace
	leases     []proxyLease
	readyNodes map[string]bool
	now        time.Time
}

// gateOpen decides whether a terminating pod may be signalled: every EndpointSlice listing
// the pod shows it not ready, and every live proxy (lease not expired, node Ready) has
// applied a resourceVersion at least that of those slices. Otherwise it says what is missing.
func gateOpen(in gateInput) (bool, string) {
	var need uint64
	for _, s := range in.slices {
		for _, e := range s.Endpoints {
			if !listsPod(e, in.pod) {
				continue
			}
			if e.Conditions.Ready == nil || *e.Conditions.Ready {
				return false, "EndpointSlice " + s.Name + " to show the pod not ready"
			}
			rv, _ := strconv.ParseUint(s.ResourceVersion, 10, 64)
			need = max(need, rv)
		}
	}
	if need == 0 {
		return true, ""
	}
	for _, l := range in.leases {
		if !in.now.Before(l.expires) || !in.readyNodes[l.node] {
			continue // not live: a dead proxy cannot hold terminations
		}
		if l.applied < need {
			return false, fmt.Sprintf("proxy on %s to apply resourceVersion %d (has %d)", l.node, need, l.applied)
		}
	}
	return true, ""
}

// listsPod reports whether endpoint e is pod: by target UID, else name, else address (not
// for host-network pods, whose address is the node's).
func listsPod(e discoveryv1.Endpoint, pod *v1.Pod) bool {
	if r := e.TargetRef; r != nil {
		if r.Kind != "Pod" {
			return false
		}
		if r.UID != "" {
			return r.UID == pod.UID
		}
		return r.Name == pod.Name
	}
	if pod.Spec.HostNetwork {
		return false
	}
	for _, a := range e.Addresses {
		if a == pod.Status.PodIP {
			return true
		}
	}
	return false
}
