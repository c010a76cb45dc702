package validation

import (
	"fmt"
	"strings"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Label keys of the generated Job selector; see defaults.JobSelector.
const (
	legacyControllerUIDLabel = "controller-uid"
	legacyJobNameLabel       = "job-name"
	// maxCronJobNameLength leaves room for the 11-character suffix of the
	// jobs a CronJob creates.
	maxCronJobNameLength = 52
)

func validateJob(j *batchv1.Job) field.ErrorList {
	errs := validateJobSpec(&j.Spec, specPath, true)
	if j.Spec.ManualSelector == nil || !*j.Spec.ManualSelector {
		errs = append(errs, validateGeneratedSelector(j)...)
	}
	return errs
}

// validateJobSpec checks a Job's spec; selectorRequired is false in a
// CronJob's jobTemplate, whose selector is generated per Job.
func validateJobSpec(s *batchv1.JobSpec, p *field.Path, selectorRequired bool) field.ErrorList {
	var errs field.ErrorList
	if s.Selector != nil || selectorRequired {
		errs = validateSelectorAndTemplate(s.Selector, &s.Template, p, "job")
	} else {
		errs = validatePodTemplateSpec(&s.Template, p.Child("template"))
	}
	rp := s.Template.Spec.RestartPolicy
	if rp != corev1.RestartPolicyOnFailure && rp != corev1.RestartPolicyNever {
		errs = append(errs, field.NotSupported(p.Child("template", "spec", "restartPolicy"), rp,
			[]string{string(corev1.RestartPolicyOnFailure), string(corev1.RestartPolicyNever)}))
	}
	errs = append(errs, nonNegative(s.Parallelism, p.Child("parallelism"))...)
	errs = append(errs, nonNegative(s.Completions, p.Child("completions"))...)
	errs = append(errs, nonNegative(s.ActiveDeadlineSeconds, p.Child("activeDeadlineSeconds"))...)
	errs = append(errs, nonNegative(s.BackoffLimit, p.Child("backoffLimit"))...)
	errs = append(errs, nonNegative(s.TTLSecondsAfterFinished, p.Child("ttlSecondsAfterFinished"))...)
	return append(errs, validateCompletionMode(s, p)...)
}

func validateCompletionMode(s *batchv1.JobSpec, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if s.CompletionMode != nil {
		errs = oneOf(*s.CompletionMode, p.Child("completionMode"), batchv1.NonIndexedCompletion, batchv1.IndexedCompletion)
		if *s.CompletionMode == batchv1.IndexedCompletion && s.Completions == nil {
			errs = append(errs, field.Required(p.Child("completions"), "when completion mode is Indexed"))
		}
	}
	if s.PodReplacementPolicy != nil {
		errs = append(errs, oneOf(*s.PodReplacementPolicy, p.Child("podReplacementPolicy"), batchv1.TerminatingOrFailed, batchv1.Failed)...)
	}
	return errs
}

// validateGeneratedSelector checks the labels defaults.JobSelector puts on a
// Job are there and match its UID.
func validateGeneratedSelector(j *batchv1.Job) field.ErrorList {
	var errs field.ErrorList
	if j.UID == "" {
		errs = append(errs, field.Required(metadataPath.Child("uid"), ""))
	}
	lp := specPath.Child("template", "metadata", "labels")
	uid := string(j.UID)
	for _, want := range []struct{ key, value string }{
		{legacyControllerUIDLabel, uid}, {legacyJobNameLabel, j.Name},
		{batchv1.ControllerUidLabel, uid}, {batchv1.JobNameLabel, j.Name},
	} {
		errs = append(errs, hasLabel(j.Spec.Template.Labels, want.key, want.value, lp)...)
	}
	if j.Spec.Selector == nil {
		return errs
	}
	sel, err := metav1.LabelSelectorAsSelector(j.Spec.Selector)
	if err == nil && !sel.Matches(labels.Set{batchv1.ControllerUidLabel: uid}) {
		errs = append(errs, field.Invalid(selectorPath, j.Spec.Selector, "`selector` not auto-generated"))
	}
	return errs
}

func hasLabel(l map[string]string, key, want string, p *field.Path) field.ErrorList {
	got, ok := l[key]
	switch {
	case !ok:
		return field.ErrorList{field.Required(p.Key(key), "must be '"+want+"'")}
	case got != want:
		return field.ErrorList{field.Invalid(p.Key(key), got, "must be '"+want+"'")}
	}
	return nil
}

// validateJobUpdate keeps the selector, completion mode and completions
// fixed, and the pod template too unless the job is suspended.
func validateJobUpdate(j, old *batchv1.Job) field.ErrorList {
	errs := immutable(j.Spec.Selector, old.Spec.Selector, selectorPath)
	errs = append(errs, immutable(j.Spec.CompletionMode, old.Spec.CompletionMode, specPath.Child("completionMode"))...)
	errs = append(errs, immutable(j.Spec.Completions, old.Spec.Completions, specPath.Child("completions"))...)
	errs = append(errs, immutable(j.Spec.PodFailurePolicy, old.Spec.PodFailurePolicy, specPath.Child("podFailurePolicy"))...)
	if old.Spec.Suspend == nil || !*old.Spec.Suspend {
		errs = append(errs, immutable(j.Spec.Template, old.Spec.Template, specPath.Child("template"))...)
	}
	return errs
}

func validateCronJob(c *batchv1.CronJob) field.ErrorList {
	var errs field.ErrorList
	if len(c.Name) > maxCronJobNameLength {
		errs = append(errs, field.Invalid(metadataPath.Child("name"), c.Name, fmt.Sprintf("must be no more than %d characters", maxCronJobNameLength)))
	}
	s := &c.Spec
	errs = append(errs, validateSchedule(s.Schedule, specPath.Child("schedule"))...)
	errs = append(errs, validateTimeZone(s.TimeZone, specPath.Child("timeZone"))...)
	errs = append(errs, oneOf(s.ConcurrencyPolicy, specPath.Child("concurrencyPolicy"),
		batchv1.AllowConcurrent, batchv1.ForbidConcurrent, batchv1.ReplaceConcurrent)...)
	errs = append(errs, nonNegative(s.StartingDeadlineSeconds, specPath.Child("startingDeadlineSeconds"))...)
	errs = append(errs, nonNegative(s.SuccessfulJobsHistoryLimit, specPath.Child("successfulJobsHistoryLimit"))...)
	errs = append(errs, nonNegative(s.FailedJobsHistoryLimit, specPath.Child("failedJobsHistoryLimit"))...)
	jt := specPath.Child("jobTemplate")
	errs = append(errs, metav1validation.ValidateLabels(s.JobTemplate.Labels, jt.Child("metadata", "labels"))...)
	return append(errs, validateJobSpec(&s.JobTemplate.Spec, jt.Child("spec"), false)...)
}

func validateSchedule(schedule string, p *field.Path) field.ErrorList {
	if schedule == "" {
		return field.ErrorList{field.Required(p, "")}
	}
	if strings.Contains(schedule, "TZ") {
		return field.ErrorList{field.Invalid(p, schedule, "cannot use TZ or CRON_TZ in schedule, use timeZone field instead")}
	}
	if err := ValidCronSchedule(schedule); err != nil {
		return field.ErrorList{field.Invalid(p, schedule, err.Error())}
	}
	return nil
}

func validateTimeZone(tz *string, p *field.Path) field.ErrorList {
	if tz == nil {
		return nil
	}
	if *tz == "" || *tz == "Local" || strings.EqualFold(*tz, "local") {
		return field.ErrorList{field.Invalid(p, *tz, "unknown time zone "+*tz)}
	}
	if _, err := time.LoadLocation(*tz); err != nil {
		return field.ErrorList{field.Invalid(p, *tz, err.Error())}
	}
	return nil
}
