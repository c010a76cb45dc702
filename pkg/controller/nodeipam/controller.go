package nodeipam

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	corelisters "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/record"
	"k8s.io/client-go/util/workqueue"

	"skiff/pkg/controller/loop"
)

// Defaults (k3s-compatible).
const (
	DefaultClusterCIDR = "10.42.0.0/16"
	DefaultMaskSize    = 24
	// DefaultExhaustedRetry is how long a Node waits for a free subnet before it is tried again.
	DefaultExhaustedRetry = 30 * time.Second
)

// Config tunes the controller; zero fields take the defaults.
type Config struct {
	ClusterCIDR string
	MaskSize    int
	// ExhaustedRetry is how long a Node without a subnet waits before it is tried again while
	// the cluster CIDR is exhausted.
	ExhaustedRetry time.Duration
}

// Controller assigns pod CIDRs to Nodes.
type Controller struct {
	cs    kubernetes.Interface
	nodes corelisters.NodeLister
	// synced reports whether this controller's handlers have seen every Node of the initial
	// list: only then is the used set complete and assignment may start.
	synced cache.InformerSynced
	queue  workqueue.TypedRateLimitingInterface[string]
	rec    record.EventRecorder
	log    *slog.Logger
	retry  time.Duration

	mu  sync.Mutex
	set *cidrSet
}

// New registers a node informer with f (which the caller starts); it does no I/O.
func New(cs kubernetes.Interface, f informers.SharedInformerFactory, rec record.EventRecorder, log *slog.Logger, cfg Config) (*Controller, error) {
	if cfg.ClusterCIDR == "" {
		cfg.ClusterCIDR = DefaultClusterCIDR
	}
	if cfg.MaskSize == 0 {
		cfg.MaskSize = DefaultMaskSize
	}
	if cfg.ExhaustedRetry <= 0 {
		cfg.ExhaustedRetry = DefaultExhaustedRetry
	}
	subnets, err := NewSubnets(cfg.ClusterCIDR, cfg.MaskSize)
	if err != nil {
		return nil, fmt.Errorf("nodeipam: %w", err)
	}
	inf := f.Core().V1().Nodes()
	c := &Controller{cs: cs, nodes: inf.Lister(), rec: rec, set: newCIDRSet(subnets), retry: cfg.ExhaustedRetry,
		queue: loop.NewQueue[string]("nodeipam"), log: log.With("controller", "nodeipam")}
	reg, err := inf.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    c.observe,
		UpdateFunc: func(_, obj any) { c.observe(obj) },
		DeleteFunc: c.forget,
	})
	if err != nil {
		return nil, err
	}
	c.synced = reg.HasSynced
	return c, nil
}

// Run waits until every existing Node was observed (the used subnets are rebuilt), then
// assigns until ctx ends; it blocks and returns nil.
func (c *Controller) Run(ctx context.Context) error {
	return loop.Run(ctx, c.queue, 1, []cache.InformerSynced{c.synced}, c.sync, c.log)
}

// observe records a Node's subnet, and queues the Node when it has none.
func (c *Controller) observe(obj any) {
	n, ok := loop.Unwrap[*corev1.Node](obj)
	if !ok {
		return
	}
	c.mu.Lock()
	ok = c.set.observe(n)
	c.mu.Unlock()
	if !ok {
		c.log.Warn("node has a pod CIDR outside the cluster CIDR or held by another node", "node", n.Name, "podCIDR", n.Spec.PodCIDR)
	}
	if n.Spec.PodCIDR == "" {
		c.queue.Add(n.Name)
	}
}

// forget frees the subnet of a deleted Node.
func (c *Controller) forget(obj any) {
	if n, ok := loop.Unwrap[*corev1.Node](obj); ok {
		c.mu.Lock()
		c.set.forget(n.Name)
		c.mu.Unlock()
	}
}

// sync gives the Node key a subnet if it has none.
func (c *Controller) sync(ctx context.Context, name string) (time.Duration, error) {
	node, err := c.nodes.Get(name)
	if apierrors.IsNotFound(err) || (err == nil && node.Spec.PodCIDR != "") {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	c.mu.Lock()
	cidr, ok := c.set.assign(name)
	c.mu.Unlock()
	if !ok {
		c.rec.Eventf(node, corev1.EventTypeWarning, "CIDRNotAvailable", "Node %s: no pod CIDR left in the cluster CIDR", name)
		return c.retry, nil
	}
	patch, _ := json.Marshal(map[string]any{"spec": map[string]any{"podCIDR": cidr.String(), "podCIDRs": []string{cidr.String()}}})
	if _, err := c.cs.CoreV1().Nodes().Patch(ctx, name, types.StrategicMergePatchType, patch, metav1.PatchOptions{FieldManager: "skiff-nodeipam"}); err != nil {
		if apierrors.IsNotFound(err) {
			c.mu.Lock()
			c.set.forget(name)
			c.mu.Unlock()
			return 0, nil
		}
		return 0, fmt.Errorf("set pod CIDR %s: %w", cidr, err)
	}
	c.log.Info("assigned pod CIDR", "node", name, "podCIDR", cidr)
	c.rec.Eventf(node, corev1.EventTypeNormal, "CIDRAssignmentSucceeded", "Assigned pod CIDR %s", cidr)
	return 0, nil
}
