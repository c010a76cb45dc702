package job

import (
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func isIndexed(job *batchv1.Job) bool {
	return job.Spec.CompletionMode != nil && *job.Spec.CompletionMode == batchv1.IndexedCompletion
}

func suspended(job *batchv1.Job) bool { return job.Spec.Suspend != nil && *job.Spec.Suspend }

// parallelism defaults to 1.
func parallelism(job *batchv1.Job) int {
	if job.Spec.Parallelism == nil {
		return 1
	}
	return int(*job.Spec.Parallelism)
}

// completions returns spec.completions, or 1 when unset (only meaningful for Indexed jobs).
func completions(job *batchv1.Job) int {
	if job.Spec.Completions == nil {
		return 1
	}
	return int(*job.Spec.Completions)
}

// backoffLimit defaults to 6.
func backoffLimit(job *batchv1.Job) int32 {
	if job.Spec.BackoffLimit == nil {
		return 6
	}
	return *job.Spec.BackoffLimit
}

// hasCondition reports whether job has condition t with status True.
func hasCondition(job *batchv1.Job, t batchv1.JobConditionType) bool {
	for _, c := range job.Status.Conditions {
		if c.Type == t {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// finishedCondition returns job's Complete or Failed condition when it is True.
func finishedCondition(job *batchv1.Job) *batchv1.JobCondition {
	for i, c := range job.Status.Conditions {
		if (c.Type == batchv1.JobComplete || c.Type == batchv1.JobFailed) && c.Status == corev1.ConditionTrue {
			return &job.Status.Conditions[i]
		}
	}
	return nil
}

// findCondition returns the working status's True condition of type t, or nil.
func (s *state) findCondition(t batchv1.JobConditionType) *batchv1.JobCondition {
	for i, c := range s.st.Conditions {
		if c.Type == t && c.Status == corev1.ConditionTrue {
			return &s.st.Conditions[i]
		}
	}
	return nil
}

// setCondition sets condition t in the working status, keeping the transition time when the
// status does not change.
func (s *state) setCondition(t batchv1.JobConditionType, status corev1.ConditionStatus, reason, msg string) {
	now := metav1.Time{Time: s.in.now}
	for i, c := range s.st.Conditions {
		if c.Type != t {
			continue
		}
		if c.Status != status {
			s.st.Conditions[i].LastTransitionTime = now
		}
		s.st.Conditions[i].Status, s.st.Conditions[i].Reason, s.st.Conditions[i].Message = status, reason, msg
		s.st.Conditions[i].LastProbeTime = now
		return
	}
	s.st.Conditions = append(s.st.Conditions, batchv1.JobCondition{Type: t, Status: status, Reason: reason, Message: msg, LastProbeTime: now, LastTransitionTime: now})
}
