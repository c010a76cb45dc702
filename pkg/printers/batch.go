package printers

import (
	"fmt"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/duration"
)

func jobColumns() []metav1.TableColumnDefinition {
	return append([]metav1.TableColumnDefinition{
		nameColumn(),
		col("Status", typeString, "Status of the job."),
		col("Completions", typeString, batchv1.JobStatus{}.SwaggerDoc()["succeeded"]),
		col("Duration", typeString, "Time required to complete the job."),
		ageColumn(),
	}, templateColumns(batchv1.JobSpec{}.SwaggerDoc()["selector"])...)
}

func jobCells(job *batchv1.Job, now time.Time) []any {
	return append([]any{
		job.Name, jobStatus(job), jobCompletions(job), jobDuration(job, now),
		age(job.CreationTimestamp, now),
	}, templateCells(job.Spec.Template.Spec, job.Spec.Selector)...)
}

// jobStatus is the job's most telling condition, Running when none applies.
func jobStatus(job *batchv1.Job) string {
	conds := job.Status.Conditions
	switch {
	case jobConditionTrue(conds, batchv1.JobComplete):
		return "Complete"
	case jobConditionTrue(conds, batchv1.JobFailed):
		return "Failed"
	case job.DeletionTimestamp != nil:
		return "Terminating"
	case jobConditionTrue(conds, batchv1.JobSuspended):
		return "Suspended"
	case jobConditionTrue(conds, batchv1.JobFailureTarget):
		return "FailureTarget"
	case jobConditionTrue(conds, batchv1.JobSuccessCriteriaMet):
		return "SuccessCriteriaMet"
	}
	return "Running"
}

// jobConditionTrue reports whether the first condition of type t is True.
func jobConditionTrue(conds []batchv1.JobCondition, t batchv1.JobConditionType) bool {
	for _, c := range conds {
		if c.Type == t {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// jobCompletions is "succeeded/completions"; a job without completions
// shows "n/1", or "n/1 of P" with parallelism P > 1.
func jobCompletions(job *batchv1.Job) string {
	if job.Spec.Completions != nil {
		return fmt.Sprintf("%d/%d", job.Status.Succeeded, *job.Spec.Completions)
	}
	if p := job.Spec.Parallelism; p != nil && *p > 1 {
		return fmt.Sprintf("%d/1 of %d", job.Status.Succeeded, *p)
	}
	return fmt.Sprintf("%d/1", job.Status.Succeeded)
}

// jobDuration is how long the job ran, or has been running, or "" before it
// started.
func jobDuration(job *batchv1.Job, now time.Time) string {
	switch {
	case job.Status.StartTime == nil:
		return ""
	case job.Status.CompletionTime == nil:
		return duration.HumanDuration(now.Sub(job.Status.StartTime.Time))
	}
	return duration.HumanDuration(job.Status.CompletionTime.Sub(job.Status.StartTime.Time))
}

func cronJobColumns() []metav1.TableColumnDefinition {
	spec := batchv1.CronJobSpec{}.SwaggerDoc()
	status := batchv1.CronJobStatus{}.SwaggerDoc()
	return append([]metav1.TableColumnDefinition{
		nameColumn(),
		col("Schedule", typeString, spec["schedule"]),
		col("Timezone", typeString, spec["timeZone"]),
		col("Suspend", typeBoolean, spec["suspend"]),
		col("Active", typeInteger, status["active"]),
		col("Last Schedule", typeString, status["lastScheduleTime"]),
		ageColumn(),
	}, templateColumns(batchv1.JobSpec{}.SwaggerDoc()["selector"])...)
}

func cronJobCells(cj *batchv1.CronJob, now time.Time) []any {
	last := none
	if cj.Status.LastScheduleTime != nil {
		last = age(*cj.Status.LastScheduleTime, now)
	}
	tz := none
	if cj.Spec.TimeZone != nil {
		tz = *cj.Spec.TimeZone
	}
	tmpl := cj.Spec.JobTemplate.Spec
	return append([]any{
		cj.Name, cj.Spec.Schedule, tz, boolString(cj.Spec.Suspend),
		int64(len(cj.Status.Active)), last, age(cj.CreationTimestamp, now),
	}, templateCells(tmpl.Template.Spec, tmpl.Selector)...)
}
