package job

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/cache"

	"skiff/pkg/controller/expectations"
)

// sync reconciles one Job by key: decide from the caches, then write status, strip finalizers,
// delete and create pods. requeue asks for a timed resync (backoff, deadlines).
func (c *Controller) sync(ctx context.Context, key string) (requeue time.Duration, err error) {
	ns, name, err := cache.SplitMetaNamespaceKey(key)
	if err != nil {
		return 0, nil
	}
	job, err := c.jobs.Jobs(ns).Get(name)
	if apierrors.IsNotFound(err) {
		c.exp.Forget(key)
		return 0, c.releaseOrphans(ctx, ns, name, "")
	}
	if err != nil {
		return 0, err
	}
	if err := c.releaseOrphans(ctx, ns, name, job.UID); err != nil {
		return 0, err
	}
	if job.DeletionTimestamp != nil {
		return 0, c.stripFinalizers(ctx, c.ownedPods(job))
	}
	if done, err := c.expireTTL(ctx, job); done || err != nil {
		return 0, err
	}
	canManage := c.exp.Satisfied(key)
	p := decide(input{job: job, pods: c.ownedPods(job), now: c.clk.Now(), canManage: canManage, backoffBase: c.backoffBase})
	if err := c.apply(ctx, job, p); err != nil {
		return 0, err
	}
	return p.requeueAfter, nil
}

// ownedPods lists the cached pods job controls.
func (c *Controller) ownedPods(job *batchv1.Job) []*corev1.Pod {
	all, err := c.pods.Pods(job.Namespace).List(labels.Everything())
	if err != nil {
		return nil
	}
	var out []*corev1.Pod
	for _, p := range all {
		if ownedBy(p, job) {
			out = append(out, p)
		}
	}
	return out
}

// releaseOrphans strips the tracking finalizer from pods controlled by a Job called name whose
// UID is not uid (a deleted job, or an older job of the same name).
func (c *Controller) releaseOrphans(ctx context.Context, ns, name string, uid types.UID) error {
	all, err := c.pods.Pods(ns).List(labels.Everything())
	if err != nil {
		return err
	}
	var orphans []*corev1.Pod
	for _, p := range all {
		ref := metav1.GetControllerOf(p)
		if ref != nil && ref.Kind == "Job" && ref.Name == name && ref.UID != uid && hasFinalizer(p) {
			orphans = append(orphans, p)
		}
	}
	return c.stripFinalizers(ctx, orphans)
}

// apply carries out p for job in order; the first failure stops it.
func (c *Controller) apply(ctx context.Context, job *batchv1.Job, p plan) error {
	if err := c.writeStatus(ctx, job, p.status); err != nil {
		return err
	}
	if err := c.stripFinalizers(ctx, p.strip); err != nil {
		return err
	}
	for _, e := range p.events {
		c.rec.Event(job, e.typ, e.reason, e.msg)
	}
	if len(p.delete) > 0 || len(p.create) > 0 {
		c.exp.Expect(jobKey(job), len(p.create), expectations.PodKeys(p.delete))
	}
	return errors.Join(c.deletePods(ctx, job, p.delete), c.createPods(ctx, job, p.create))
}

func (c *Controller) writeStatus(ctx context.Context, job *batchv1.Job, st batchv1.JobStatus) error {
	if apiequality.Semantic.DeepEqual(job.Status, st) {
		return nil
	}
	cp := job.DeepCopy()
	cp.Status = st
	_, err := c.cs.BatchV1().Jobs(job.Namespace).UpdateStatus(ctx, cp, metav1.UpdateOptions{})
	if err != nil {
		return fmt.Errorf("update job status: %w", err)
	}
	return nil
}

// stripFinalizers removes the tracking finalizer from pods; a pod already gone is fine.
func (c *Controller) stripFinalizers(ctx context.Context, pods []*corev1.Pod) error {
	return parallel(len(pods), func(i int) error { return c.stripFinalizer(ctx, pods[i]) })
}

func (c *Controller) stripFinalizer(ctx context.Context, p *corev1.Pod) error {
	var keep []string
	for _, f := range p.Finalizers {
		if f != trackingFinalizer {
			keep = append(keep, f)
		}
	}
	patch, err := json.Marshal(map[string]any{"metadata": map[string]any{
		"finalizers": keep, "resourceVersion": p.ResourceVersion}})
	if err != nil {
		return err
	}
	_, err = c.cs.CoreV1().Pods(p.Namespace).Patch(ctx, p.Name, types.MergePatchType, patch, metav1.PatchOptions{})
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("remove finalizer from pod %s: %w", p.Name, err)
	}
	return nil
}

// deletePods stops active pods: strip the finalizer (they are not counted), then delete.
func (c *Controller) deletePods(ctx context.Context, job *batchv1.Job, pods []*corev1.Pod) error {
	return parallel(len(pods), func(i int) error {
		p := pods[i]
		if hasFinalizer(p) {
			if err := c.stripFinalizer(ctx, p); err != nil {
				c.exp.DeletionObserved(jobKey(job), expectations.PodKey(p))
				return err
			}
		}
		err := c.cs.CoreV1().Pods(p.Namespace).Delete(ctx, p.Name, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &p.UID}})
		if err != nil {
			c.exp.DeletionObserved(jobKey(job), expectations.PodKey(p))
			if apierrors.IsNotFound(err) || apierrors.IsConflict(err) {
				return nil
			}
			c.rec.Eventf(job, corev1.EventTypeWarning, "FailedDelete", "Error deleting: %v", err)
			return fmt.Errorf("delete pod %s: %w", p.Name, err)
		}
		c.rec.Eventf(job, corev1.EventTypeNormal, "SuccessfulDelete", "Deleted pod: %s", p.Name)
		return nil
	})
}

// createPods creates one pod per entry of indexes (-1: NonIndexed).
func (c *Controller) createPods(ctx context.Context, job *batchv1.Job, indexes []int) error {
	return parallel(len(indexes), func(i int) error {
		pod, err := c.cs.CoreV1().Pods(job.Namespace).Create(ctx, newPod(job, indexes[i]), metav1.CreateOptions{})
		if err != nil {
			c.exp.CreationObserved(jobKey(job))
			c.rec.Eventf(job, corev1.EventTypeWarning, "FailedCreate", "Error creating: %v", err)
			return fmt.Errorf("create pod: %w", err)
		}
		c.rec.Eventf(job, corev1.EventTypeNormal, "SuccessfulCreate", "Created pod: %s", pod.Name)
		return nil
	})
}

// newPod builds a pod from job's template: job as controller, the tracking finalizer and, for
// index >= 0, the completion index annotation, label, hostname and JOB_COMPLETION_INDEX.
func newPod(job *batchv1.Job, index int) *corev1.Pod {
	t := job.Spec.Template.DeepCopy()
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{
			GenerateName: job.Name + "-", Namespace: job.Namespace,
			Labels: t.Labels, Annotations: t.Annotations,
			Finalizers:      append(t.Finalizers, trackingFinalizer),
			OwnerReferences: []metav1.OwnerReference{*metav1.NewControllerRef(job, batchv1.SchemeGroupVersion.WithKind("Job"))},
		},
		Spec: t.Spec,
	}
	if index >= 0 {
		addIndex(pod, job.Name, index)
	}
	return pod
}

func addIndex(pod *corev1.Pod, jobName string, index int) {
	v := strconv.Itoa(index)
	pod.GenerateName = fmt.Sprintf("%s-%d-", jobName, index)
	if pod.Labels == nil {
		pod.Labels = map[string]string{}
	}
	if pod.Annotations == nil {
		pod.Annotations = map[string]string{}
	}
	pod.Labels[indexKey], pod.Annotations[indexKey] = v, v
	if pod.Spec.Hostname == "" {
		pod.Spec.Hostname = fmt.Sprintf("%s-%d", jobName, index)
	}
	env := corev1.EnvVar{Name: "JOB_COMPLETION_INDEX", ValueFrom: &corev1.EnvVarSource{
		FieldRef: &corev1.ObjectFieldSelector{FieldPath: fmt.Sprintf("metadata.labels['%s']", indexKey)}}}
	for i := range pod.Spec.InitContainers {
		pod.Spec.InitContainers[i].Env = append(pod.Spec.InitContainers[i].Env, env)
	}
	for i := range pod.Spec.Containers {
		pod.Spec.Containers[i].Env = append(pod.Spec.Containers[i].Env, env)
	}
}

// parallel runs fn(0..n-1) concurrently and joins the errors.
func parallel(n int, fn func(i int) error) error {
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() { errs[i] = fn(i) })
	}
	wg.Wait()
	return errors.Join(errs...)
}
