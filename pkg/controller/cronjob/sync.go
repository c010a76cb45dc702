package cronjob

import (
	"context"
	"errors"
	"fmt"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/tools/cache"
)

// scheduledAnnotation records a job's scheduled start time (RFC 3339) as upstream does.
const scheduledAnnotation = "batch.kubernetes.io/cronjob-scheduled-timestamp"

// sync reconciles one CronJob by key; requeue is the wait until its next schedule time.
func (c *Controller) sync(ctx context.Context, key string) (requeue time.Duration, err error) {
	ns, name, err := cache.SplitMetaNamespaceKey(key)
	if err != nil {
		return 0, nil
	}
	cj, err := c.cjs.CronJobs(ns).Get(name)
	if apierrors.IsNotFound(err) {
		return 0, nil
	}
	if err != nil || cj.DeletionTimestamp != nil {
		return 0, err
	}
	in, err := c.input(cj)
	if err != nil {
		c.rec.Eventf(cj, corev1.EventTypeWarning, "UnparseableSchedule", "unparseable schedule or time zone: %v", err)
		return 0, nil // fixed only by editing the CronJob
	}
	p := decide(in)
	if err := c.apply(ctx, cj, &p); err != nil {
		return 0, err
	}
	return p.requeueAfter, nil
}

// input gathers cj's jobs and parses its schedule and time zone (UTC by default).
func (c *Controller) input(cj *batchv1.CronJob) (input, error) {
	loc := time.UTC
	if tz := cj.Spec.TimeZone; tz != nil {
		l, err := time.LoadLocation(*tz)
		if err != nil {
			return input{}, err
		}
		loc = l
	}
	sched, err := parseSchedule(cj.Spec.Schedule)
	if err != nil {
		return input{}, err
	}
	all, err := c.jobs.Jobs(cj.Namespace).List(labels.Everything())
	if err != nil {
		return input{}, err
	}
	var jobs []*batchv1.Job
	for _, j := range all {
		if ref := metav1.GetControllerOf(j); ref != nil && ref.UID == cj.UID {
			jobs = append(jobs, j)
		}
	}
	return input{cj: cj, jobs: jobs, now: c.clk.Now(), sched: sched, loc: loc}, nil
}

// apply deletes replaced and expired jobs, creates the scheduled job, records events and
// writes the status.
func (c *Controller) apply(ctx context.Context, cj *batchv1.CronJob, p *plan) error {
	for _, e := range p.events {
		c.rec.Event(cj, e.typ, e.reason, e.msg)
	}
	var errs []error
	for _, j := range p.deleteActive {
		errs = append(errs, c.deleteJob(ctx, cj, j, "SuccessfulDelete"))
	}
	for _, j := range p.deleteOld {
		errs = append(errs, c.deleteJob(ctx, cj, j, "SuccessfulDelete"))
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	if !p.scheduled.IsZero() {
		ref, err := c.createJob(ctx, cj, p.scheduled)
		if err != nil {
			return err
		}
		if ref != nil {
			p.status.Active = append(p.status.Active, *ref)
		}
	}
	return c.writeStatus(ctx, cj, p.status)
}

// createJob creates the job for scheduled; it returns nil if it already existed.
func (c *Controller) createJob(ctx context.Context, cj *batchv1.CronJob, scheduled time.Time) (*corev1.ObjectReference, error) {
	j := newJob(cj, scheduled)
	created, err := c.cs.BatchV1().Jobs(cj.Namespace).Create(ctx, j, metav1.CreateOptions{})
	switch {
	case apierrors.IsAlreadyExists(err):
		return nil, nil
	case err != nil:
		c.rec.Eventf(cj, corev1.EventTypeWarning, "FailedCreate", "Error creating job: %v", err)
		return nil, fmt.Errorf("create job %s: %w", j.Name, err)
	}
	c.rec.Eventf(cj, corev1.EventTypeNormal, "SuccessfulCreate", "Created job %s", created.Name)
	return &corev1.ObjectReference{Kind: "Job", APIVersion: "batch/v1", Namespace: created.Namespace,
		Name: created.Name, UID: created.UID, ResourceVersion: created.ResourceVersion}, nil
}

// newJob builds the job of cj for scheduled from spec.jobTemplate.
func newJob(cj *batchv1.CronJob, scheduled time.Time) *batchv1.Job {
	t := cj.Spec.JobTemplate.DeepCopy()
	ann := map[string]string{}
	for k, v := range t.Annotations {
		ann[k] = v
	}
	ann[scheduledAnnotation] = scheduled.Format(time.RFC3339)
	return &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{Name: jobName(cj, scheduled), Namespace: cj.Namespace,
			Labels: t.Labels, Annotations: ann,
			OwnerReferences: []metav1.OwnerReference{*metav1.NewControllerRef(cj, batchv1.SchemeGroupVersion.WithKind("CronJob"))}},
		Spec: t.Spec,
	}
}

func (c *Controller) deleteJob(ctx context.Context, cj *batchv1.CronJob, j *batchv1.Job, reason string) error {
	bg := metav1.DeletePropagationBackground
	err := c.cs.BatchV1().Jobs(j.Namespace).Delete(ctx, j.Name, metav1.DeleteOptions{PropagationPolicy: &bg,
		Preconditions: &metav1.Preconditions{UID: &j.UID}})
	switch {
	case apierrors.IsNotFound(err) || apierrors.IsConflict(err):
		return nil
	case err != nil:
		return fmt.Errorf("delete job %s: %w", j.Name, err)
	}
	c.rec.Eventf(cj, corev1.EventTypeNormal, reason, "Deleted job %s", j.Name)
	return nil
}

func (c *Controller) writeStatus(ctx context.Context, cj *batchv1.CronJob, st batchv1.CronJobStatus) error {
	if apiequality.Semantic.DeepEqual(cj.Status, st) {
		return nil
	}
	cp := cj.DeepCopy()
	cp.Status = st
	_, err := c.cs.BatchV1().CronJobs(cj.Namespace).UpdateStatus(ctx, cp, metav1.UpdateOptions{})
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("update status: %w", err)
	}
	return nil
}
