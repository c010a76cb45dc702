package job

import (
	"context"
	"fmt"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// ttlExpiry returns when a finished job with ttlSecondsAfterFinished should be deleted; ok is
// false when the job is unfinished or has no TTL.
func ttlExpiry(job *batchv1.Job) (time.Time, bool) {
	fc := finishedCondition(job)
	if fc == nil || job.Spec.TTLSecondsAfterFinished == nil {
		return time.Time{}, false
	}
	at := fc.LastTransitionTime.Time
	if job.Status.CompletionTime != nil && fc.Type == batchv1.JobComplete {
		at = job.Status.CompletionTime.Time
	}
	return at.Add(time.Duration(*job.Spec.TTLSecondsAfterFinished) * time.Second), true
}

// expireTTL deletes job (and, in the background, its pods) once its TTL after finishing has
// passed, or schedules a resync for then. done is true when the job was deleted.
func (c *Controller) expireTTL(ctx context.Context, job *batchv1.Job) (done bool, err error) {
	at, ok := ttlExpiry(job)
	if !ok {
		return false, nil
	}
	if wait := at.Sub(c.clk.Now()); wait > 0 {
		c.queue.AddAfter(jobKey(job), wait)
		return false, nil
	}
	bg := metav1.DeletePropagationBackground
	err = c.cs.BatchV1().Jobs(job.Namespace).Delete(ctx, job.Name, metav1.DeleteOptions{
		PropagationPolicy: &bg, Preconditions: &metav1.Preconditions{UID: &job.UID}})
	if err != nil && !apierrors.IsNotFound(err) {
		return false, fmt.Errorf("delete expired job: %w", err)
	}
	return true, nil
}
