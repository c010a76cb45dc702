package sim

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/cache"
)

// sync reconciles the pod named key from the cache: it plans, then applies the plan.
func (c *podController) sync(ctx context.Context, key string) error {
	name, err := cache.ParseObjectName(key)
	if err != nil {
		return nil // not a key we queued
	}
	pod, err := c.lister.Pods(name.Namespace).Get(name.Name)
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil || !c.sim.owns(pod) {
		return err
	}
	p, err := planPod(pod, c.sim.cfg.Clock.Now(), c.sim.cfg.TerminationDelay)
	if err != nil {
		c.sim.log.Warn("ignoring pod annotation", "pod", key, "err", err)
	}
	return c.apply(ctx, key, pod, p)
}

// apply carries out p for pod (a cached object: it is copied before any change).
func (c *podController) apply(ctx context.Context, key string, pod *corev1.Pod, p plan) error {
	now := c.sim.cfg.Clock.Now()
	switch p.act {
	case actWait:
		c.queue.AddAfter(key, p.after)
	case actStart:
		return c.start(ctx, pod)
	case actFinish:
		c.sim.ips.release(pod.UID)
		return c.updateStatus(ctx, pod, finishedStatus(pod, p.exitCode, now))
	case actRestart:
		return c.updateStatus(ctx, pod, restartedStatus(pod, p.exitCode, now))
	case actDelete:
		return c.delete(ctx, pod)
	}
	return nil
}

// start gives pod an IP and writes its running status.
func (c *podController) start(ctx context.Context, pod *corev1.Pod) error {
	n := c.sim.nodes[c.sim.byName[pod.Spec.NodeName]]
	podIP := n.ip
	if !pod.Spec.HostNetwork {
		ip, err := c.sim.ips.allocate(n.podCIDR, pod.UID)
		if err != nil {
			return err
		}
		podIP = ip
	}
	return c.updateStatus(ctx, pod, runningStatus(pod, n.ip.String(), podIP.String(), c.sim.cfg.Clock.Now()))
}

// updateStatus writes st through pods/status on a copy of pod; a stale cache yields a
// conflict, which the queue retries.
func (c *podController) updateStatus(ctx context.Context, pod *corev1.Pod, st corev1.PodStatus) error {
	next := pod.DeepCopy()
	next.Status = st
	c.sim.stats.podStatus.Add(1)
	_, err := c.sim.client.CoreV1().Pods(pod.Namespace).UpdateStatus(ctx, next, metav1.UpdateOptions{FieldManager: fieldManager})
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("update status: %w", err)
	}
	return nil
}

// delete removes a terminating pod at once, only if it is still the same pod.
func (c *podController) delete(ctx context.Context, pod *corev1.Pod) error {
	c.sim.stats.podDeletes.Add(1)
	err := c.sim.client.CoreV1().Pods(pod.Namespace).Delete(ctx, pod.Name, metav1.DeleteOptions{
		GracePeriodSeconds: ptrTo(int64(0)),
		Preconditions:      metav1.NewUIDPreconditions(string(pod.UID)),
	})
	if apierrors.IsNotFound(err) || apierrors.IsConflict(err) {
		return nil
	}
	return err
}
