package defaults

import (
	"maps"
	"math"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

// Legacy label keys the server still puts on the pods of a Job, next to
// batchv1.ControllerUidLabel and batchv1.JobNameLabel.
const (
	LegacyControllerUIDLabel = "controller-uid"
	LegacyJobNameLabel       = "job-name"
)

func job(j *batchv1.Job) {
	podTemplateSpec(&j.Spec.Template)
	s := &j.Spec
	if s.Completions == nil && s.Parallelism == nil {
		s.Completions = ptr.To(int32(1))
	}
	setInt32(&s.Parallelism, 1)
	if s.BackoffLimitPerIndex != nil {
		setInt32(&s.BackoffLimit, math.MaxInt32)
	}
	setInt32(&s.BackoffLimit, 6)
	if l := s.Template.Labels; l != nil && len(j.Labels) == 0 {
		j.Labels = maps.Clone(l)
	}
	if s.CompletionMode == nil {
		s.CompletionMode = ptr.To(batchv1.NonIndexedCompletion)
	}
	setBool(&s.Suspend, false)
	podFailurePolicy(s.PodFailurePolicy)
	if s.PodReplacementPolicy == nil {
		s.PodReplacementPolicy = ptr.To(batchv1.TerminatingOrFailed)
		if s.PodFailurePolicy != nil {
			s.PodReplacementPolicy = ptr.To(batchv1.Failed)
		}
	}
}

func podFailurePolicy(p *batchv1.PodFailurePolicy) {
	if p == nil {
		return
	}
	for i := range p.Rules {
		for j := range p.Rules[i].OnPodConditions {
			if c := &p.Rules[i].OnPodConditions[j]; c.Status == "" {
				c.Status = corev1.ConditionTrue
			}
		}
	}
}

func cronJob(c *batchv1.CronJob) {
	podTemplateSpec(&c.Spec.JobTemplate.Spec.Template)
	if c.Spec.ConcurrencyPolicy == "" {
		c.Spec.ConcurrencyPolicy = batchv1.AllowConcurrent
	}
	setBool(&c.Spec.Suspend, false)
	setInt32(&c.Spec.SuccessfulJobsHistoryLimit, 3)
	setInt32(&c.Spec.FailedJobsHistoryLimit, 1)
}

// JobSelector generates the selector and pod template labels of a Job whose
// spec.manualSelector is not true, as upstream does at creation: the
// template gets the controller-uid and job-name labels (legacy and
// batch.kubernetes.io/ forms) unless the user set them, and the selector
// matches batch.kubernetes.io/controller-uid=<job.UID>. The server calls it
// after assigning job.UID and before validation; with manualSelector true it
// leaves the job alone.
func JobSelector(j *batchv1.Job) {
	if j.Spec.ManualSelector != nil && *j.Spec.ManualSelector {
		return
	}
	if j.Spec.Template.Labels == nil {
		j.Spec.Template.Labels = map[string]string{}
	}
	uid := string(j.UID)
	for key, value := range map[string]string{
		LegacyJobNameLabel:         j.Name,
		batchv1.JobNameLabel:       j.Name,
		LegacyControllerUIDLabel:   uid,
		batchv1.ControllerUidLabel: uid,
	} {
		if _, ok := j.Spec.Template.Labels[key]; !ok {
			j.Spec.Template.Labels[key] = value
		}
	}
	if j.Spec.Selector == nil {
		j.Spec.Selector = &metav1.LabelSelector{}
	}
	if j.Spec.Selector.MatchLabels == nil {
		j.Spec.Selector.MatchLabels = map[string]string{}
	}
	if _, ok := j.Spec.Selector.MatchLabels[batchv1.ControllerUidLabel]; !ok {
		j.Spec.Selector.MatchLabels[batchv1.ControllerUidLabel] = uid
	}
}
