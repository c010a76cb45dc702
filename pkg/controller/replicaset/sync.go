package replicaset

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/tools/cache"

	"skiff/pkg/controller/expectations"
)

// sync reconciles one ReplicaSet by key: claim pods, create or delete pods (unless writes are
// still unobserved), then write the status.
func (c *Controller) sync(ctx context.Context, key string) error {
	ns, name, err := cache.SplitMetaNamespaceKey(key)
	if err != nil {
		return nil
	}
	rs, err := c.rsList.ReplicaSets(ns).Get(name)
	if apierrors.IsNotFound(err) {
		c.exp.Forget(key)
		return nil
	}
	if err != nil {
		return err
	}
	sel, err := metav1.LabelSelectorAsSelector(rs.Spec.Selector)
	if err != nil || sel.Empty() {
		return nil // invalid selectors are rejected by validation; nothing to do until fixed
	}
	canManage := c.exp.Satisfied(key) && rs.DeletionTimestamp == nil
	all, err := c.pods.Pods(ns).List(labels.Everything())
	if err != nil {
		return err
	}
	owned, err := c.claim(ctx, rs, sel, activePods(all))
	if err != nil {
		return err
	}
	var merr *manageError
	if canManage {
		p := decide(int(replicas(rs)), owned, burstReplicas)
		if merr = c.apply(ctx, rs, p); merr == nil {
			owned = without(owned, p.delete) // report deleted pods as gone right away
		}
	}
	st := computeStatus(rs, owned, merr, metav1.NewTime(c.clk.Now()))
	if err := c.writeStatus(ctx, rs, st); err != nil {
		return err
	}
	if merr != nil {
		return merr
	}
	if rs.Spec.MinReadySeconds > 0 && st.ReadyReplicas != st.AvailableReplicas {
		c.queue.AddAfter(key, time.Duration(rs.Spec.MinReadySeconds)*time.Second)
	}
	return nil
}

// without returns pods minus those in gone.
func without(pods, gone []*corev1.Pod) []*corev1.Pod {
	return slices.DeleteFunc(slices.Clone(pods), func(p *corev1.Pod) bool { return slices.Contains(gone, p) })
}

func activePods(pods []*corev1.Pod) []*corev1.Pod {
	var out []*corev1.Pod
	for _, p := range pods {
		if isActive(p) {
			out = append(out, p)
		}
	}
	return out
}

func replicas(rs *appsv1.ReplicaSet) int32 {
	if rs.Spec.Replicas == nil {
		return 1
	}
	return *rs.Spec.Replicas
}

func (c *Controller) writeStatus(ctx context.Context, rs *appsv1.ReplicaSet, st appsv1.ReplicaSetStatus) error {
	if apiequality.Semantic.DeepEqual(rs.Status, st) {
		return nil
	}
	cp := rs.DeepCopy()
	cp.Status = st
	_, err := c.cs.AppsV1().ReplicaSets(rs.Namespace).UpdateStatus(ctx, cp, metav1.UpdateOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	return err
}

// apply carries out p for rs; it returns the first failed write.
func (c *Controller) apply(ctx context.Context, rs *appsv1.ReplicaSet, p plan) *manageError {
	switch {
	case p.create > 0:
		if err := c.createPods(ctx, rs, p.create); err != nil {
			return &manageError{reason: "FailedCreate", err: err}
		}
	case len(p.delete) > 0:
		if err := c.deletePods(ctx, rs, p.delete); err != nil {
			return &manageError{reason: "FailedDelete", err: err}
		}
	}
	return nil
}

// createPods creates n pods in slow-start batches, stopping after a batch with a failure.
func (c *Controller) createPods(ctx context.Context, rs *appsv1.ReplicaSet, n int) error {
	key := rsKey(rs)
	c.exp.Expect(key, n, nil)
	done := 0
	for _, size := range slowStartBatches(n) {
		err := parallel(size, func(int) error { return c.createPod(ctx, rs) })
		if err != nil {
			for range n - done - size {
				c.exp.CreationObserved(key) // never attempted
			}
			return err
		}
		done += size
	}
	return nil
}

// createPod creates one pod from rs's template; a failed create counts as observed.
func (c *Controller) createPod(ctx context.Context, rs *appsv1.ReplicaSet) error {
	pod, err := c.cs.CoreV1().Pods(rs.Namespace).Create(ctx, podFromTemplate(rs), metav1.CreateOptions{})
	if err != nil {
		c.exp.CreationObserved(rsKey(rs))
		c.rec.Eventf(rs, corev1.EventTypeWarning, "FailedCreate", "Error creating: %v", err)
		return err
	}
	c.rec.Eventf(rs, corev1.EventTypeNormal, "SuccessfulCreate", "Created pod: %s", pod.Name)
	return nil
}

// podFromTemplate builds a new pod for rs: template labels, annotations and spec, generated
// name "<rs>-", rs as controller.
func podFromTemplate(rs *appsv1.ReplicaSet) *corev1.Pod {
	t := rs.Spec.Template.DeepCopy()
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{
			GenerateName: rs.Name + "-", Namespace: rs.Namespace,
			Labels: t.Labels, Annotations: t.Annotations, Finalizers: t.Finalizers,
			OwnerReferences: []metav1.OwnerReference{*metav1.NewControllerRef(rs, appsv1.SchemeGroupVersion.WithKind("ReplicaSet"))},
		},
		Spec: t.Spec,
	}
}

// deletePods deletes pods concurrently; a pod already gone is not an error.
func (c *Controller) deletePods(ctx context.Context, rs *appsv1.ReplicaSet, pods []*corev1.Pod) error {
	key := rsKey(rs)
	keys := expectations.PodKeys(pods)
	c.exp.Expect(key, 0, keys)
	return parallel(len(pods), func(i int) error {
		p := pods[i]
		err := c.cs.CoreV1().Pods(p.Namespace).Delete(ctx, p.Name, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &p.UID}})
		if err != nil && !apierrors.IsNotFound(err) && !apierrors.IsConflict(err) {
			c.exp.DeletionObserved(key, keys[i])
			c.rec.Eventf(rs, corev1.EventTypeWarning, "FailedDelete", "Error deleting: %v", err)
			return fmt.Errorf("delete pod %s: %w", p.Name, err)
		}
		if err != nil {
			c.exp.DeletionObserved(key, keys[i])
			return nil
		}
		c.rec.Eventf(rs, corev1.EventTypeNormal, "SuccessfulDelete", "Deleted pod: %s", p.Name)
		return nil
	})
}

// parallel runs fn(0..n-1) concurrently and returns the first error.
func parallel(n int, fn func(i int) error) error {
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() { errs[i] = fn(i) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
