// Package job runs batch Jobs: it creates pods up to the job's parallelism until enough of them
// succeed (completions, or every index for Indexed jobs), retries failed pods with exponential
// backoff up to backoffLimit, applies podFailurePolicy and activeDeadlineSeconds, honours
// suspend, and deletes finished jobs after ttlSecondsAfterFinished.
//
// Finished pods are counted exactly once: each job pod carries the batch.kubernetes.io/job-tracking
// finalizer; a finished pod is first recorded in status.uncountedTerminatedPods, then its
// finalizer is removed, and only when the cache shows it without the finalizer is it moved to
// status.succeeded or status.failed.
package job
