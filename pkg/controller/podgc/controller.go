// Package podgc deletes pods nobody else will: pods bound to nodes that no longer exist
// (after a quarantine), terminated pods beyond a threshold (oldest first), and terminating
// pods that were never scheduled. All deletions are forced (grace period 0), as upstream.
package podgc

import (
	"context"
	"log/slog"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	corelisters "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/record"
	"k8s.io/utils/clock"
)

// Defaults (as upstream).
const (
	DefaultQuarantine        = 40 * time.Second
	DefaultTerminatedPodsMax = 12500
	DefaultPeriod            = 20 * time.Second
)

// Config tunes the collector; zero fields take the defaults.
type Config struct {
	// Quarantine is how long a node must be missing before its pods are deleted.
	Quarantine time.Duration
	// TerminatedPodThreshold caps Succeeded/Failed pods (--terminated-pod-gc-threshold);
	// negative disables the cap.
	TerminatedPodThreshold int
	// Period is how often the collector runs.
	Period time.Duration
}

func (c Config) withDefaults() Config {
	if c.Quarantine <= 0 {
		c.Quarantine = DefaultQuarantine
	}
	if c.TerminatedPodThreshold == 0 {
		c.TerminatedPodThreshold = DefaultTerminatedPodsMax
	}
	if c.Period <= 0 {
		c.Period = DefaultPeriod
	}
	return c
}

// Controller is the pod garbage collector.
type Controller struct {
	cfg    Config
	cs     kubernetes.Interface
	pods   corelisters.PodLister
	nodes  corelisters.NodeLister
	synced []cache.InformerSynced
	rec    record.EventRecorder
	clk    clock.WithTicker
	log    *slog.Logger
	// missing is owned by the Run goroutine.
	missing map[string]time.Time
}

// New registers pod and node informers with f (which the caller starts); it does no I/O.
func New(cs kubernetes.Interface, f informers.SharedInformerFactory, rec record.EventRecorder, clk clock.WithTicker, log *slog.Logger, cfg Config) *Controller {
	podInf, nodeInf := f.Core().V1().Pods(), f.Core().V1().Nodes()
	return &Controller{
		cfg: cfg.withDefaults(), cs: cs, pods: podInf.Lister(), nodes: nodeInf.Lister(), rec: rec, clk: clk,
		log: log.With("controller", "podgc"), missing: map[string]time.Time{},
		synced: []cache.InformerSynced{podInf.Informer().HasSynced, nodeInf.Informer().HasSynced},
	}
}

// Run waits for the caches, then collects every Period until ctx ends; it blocks and returns nil.
func (c *Controller) Run(ctx context.Context) error {
	if !cache.WaitForCacheSync(ctx.Done(), c.synced...) {
		return nil
	}
	t := c.clk.NewTicker(c.cfg.Period)
	defer t.Stop()
	for {
		c.collect(ctx)
		select {
		case <-ctx.Done():
			return nil
		case <-t.C():
		}
	}
}

// collect runs one pass; failures are logged and retried next pass.
func (c *Controller) collect(ctx context.Context) {
	pods, err := c.pods.List(labels.Everything())
	if err != nil {
		c.log.Warn("list pods", "err", err)
		return
	}
	for _, p := range excessTerminated(pods, c.cfg.TerminatedPodThreshold) {
		c.forceDelete(ctx, p, "terminated pod over threshold")
	}
	c.collectOrphans(ctx, pods)
	for _, p := range unscheduledTerminating(pods) {
		c.forceDelete(ctx, p, "unscheduled terminating pod")
	}
}

// collectOrphans deletes the pods of nodes missing for longer than the quarantine, once a
// live GET confirms each node is gone.
func (c *Controller) collectOrphans(ctx context.Context, pods []*corev1.Pod) {
	now := c.clk.Now()
	c.missing = trackMissing(c.missing, pods, c.nodeCached, now)
	for _, node := range expiredNodes(c.missing, now, c.cfg.Quarantine) {
		_, err := c.cs.CoreV1().Nodes().Get(ctx, node, metav1.GetOptions{})
		if err == nil {
			delete(c.missing, node)
		}
		if !apierrors.IsNotFound(err) {
			continue
		}
		for _, p := range pods {
			if p.Spec.NodeName == node {
				c.forceDelete(ctx, p, "pod on missing node")
			}
		}
	}
}

func (c *Controller) nodeCached(name string) bool {
	_, err := c.nodes.Get(name)
	return err == nil
}

func (c *Controller) forceDelete(ctx context.Context, p *corev1.Pod, why string) {
	zero, uid := int64(0), p.UID
	err := c.cs.CoreV1().Pods(p.Namespace).Delete(ctx, p.Name, metav1.DeleteOptions{GracePeriodSeconds: &zero, Preconditions: &metav1.Preconditions{UID: &uid}})
	if err != nil && !apierrors.IsNotFound(err) && !apierrors.IsConflict(err) {
		c.log.Warn("delete pod", "namespace", p.Namespace, "pod", p.Name, "err", err)
		return
	}
	if err == nil {
		c.log.Info("garbage-collected pod", "namespace", p.Namespace, "pod", p.Name, "node", p.Spec.NodeName, "reason", why)
	}
}
