package nodelifecycle

import (
	"context"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// evict deletes the pods on node whose toleration of its NoExecute taints has run out, and
// returns how long until the next one does (0 for none).
func (c *Controller) evict(ctx context.Context, node string) (time.Duration, error) {
	n, err := c.nodes.Get(node)
	if apierrors.IsNotFound(err) {
		return 0, nil
	}
	if err != nil || !hasNoExecute(n.Spec.Taints) {
		return 0, err
	}
	objs, err := c.pods.ByIndex(podsByNode, node)
	if err != nil {
		return 0, err
	}
	now := c.clk.Now()
	var next time.Duration
	for _, obj := range objs {
		p, ok := obj.(*corev1.Pod)
		if !ok || p.DeletionTimestamp != nil {
			continue
		}
		at, due := evictionTime(p.Spec.Tolerations, n.Spec.Taints, now)
		if !due {
			continue
		}
		if wait := at.Sub(now); wait > 0 {
			if next == 0 || wait < next {
				next = wait
			}
			continue
		}
		if err := c.deletePod(ctx, p); err != nil {
			return 0, err
		}
	}
	return next, nil
}

func (c *Controller) deletePod(ctx context.Context, p *corev1.Pod) error {
	uid := p.UID
	err := c.cs.CoreV1().Pods(p.Namespace).Delete(ctx, p.Name, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &uid}})
	if apierrors.IsNotFound(err) || apierrors.IsConflict(err) {
		return nil
	}
	if err != nil {
		return err
	}
	c.log.Info("evicted pod from tainted node", "namespace", p.Namespace, "pod", p.Name, "node", p.Spec.NodeName)
	c.rec.Eventf(p, corev1.EventTypeNormal, "TaintManagerEviction", "Marking for deletion Pod %s/%s", p.Namespace, p.Name)
	return nil
}
