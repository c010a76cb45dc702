package validation

import (
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"

	"skiff/pkg/defaults"
)

func validJob() *batchv1.Job {
	j := &batchv1.Job{ObjectMeta: metav1.ObjectMeta{Name: "pi", Namespace: "default", UID: types.UID("uid-1"), ResourceVersion: "1"},
		Spec: batchv1.JobSpec{Template: corev1.PodTemplateSpec{Spec: podSpec()}}}
	j.Spec.Template.Spec.RestartPolicy = corev1.RestartPolicyNever
	defaults.JobSelector(j)
	return j
}

func TestValidateJob(t *testing.T) {
	runCreate(t, validJob, true, []createCase[*batchv1.Job]{
		{name: "valid"},
		{name: "restart policy always", mutate: func(j *batchv1.Job) { j.Spec.Template.Spec.RestartPolicy = corev1.RestartPolicyAlways },
			want: []string{"FieldValueNotSupported spec.template.spec.restartPolicy"}},
		{name: "negative parallelism and completions", mutate: func(j *batchv1.Job) {
			j.Spec.Parallelism, j.Spec.Completions = ptr.To(int32(-1)), ptr.To(int32(-2))
		}, want: []string{"FieldValueInvalid spec.parallelism", "FieldValueInvalid spec.completions"}},
		{name: "indexed needs completions", mutate: func(j *batchv1.Job) {
			j.Spec.CompletionMode, j.Spec.Completions = ptr.To(batchv1.IndexedCompletion), nil
		}, want: []string{"FieldValueRequired spec.completions"}},
		{name: "selector missing", mutate: func(j *batchv1.Job) { j.Spec.Selector = nil },
			want: []string{"FieldValueRequired spec.selector"}},
		{name: "wrong generated label", mutate: func(j *batchv1.Job) { j.Spec.Template.Labels["controller-uid"] = "other" },
			want: []string{"FieldValueInvalid spec.template.metadata.labels[controller-uid]"}},
		{name: "selector not generated", mutate: func(j *batchv1.Job) {
			j.Spec.Selector = &metav1.LabelSelector{MatchLabels: map[string]string{"job-name": "pi"}}
		}, want: []string{"FieldValueInvalid spec.selector"}},
		{name: "manual selector", mutate: func(j *batchv1.Job) {
			j.Spec.ManualSelector = ptr.To(true)
			j.Spec.Selector = &metav1.LabelSelector{MatchLabels: map[string]string{"app": "pi"}}
			j.Spec.Template.Labels = map[string]string{"app": "pi"}
		}},
	})
	runUpdate(t, validJob, true, []updateCase[*batchv1.Job]{
		{name: "parallelism", mutate: func(j *batchv1.Job) { j.Spec.Parallelism = ptr.To(int32(4)) }},
		{name: "template immutable", mutate: func(j *batchv1.Job) { j.Spec.Template.Spec.Containers[0].Image = "x:2" },
			want: []string{"FieldValueInvalid spec.template"}},
		{name: "template of suspended job", old: func(j *batchv1.Job) { j.Spec.Suspend = ptr.To(true) },
			mutate: func(j *batchv1.Job) { j.Spec.Template.Spec.Containers[0].Image = "x:2" }},
		{name: "completions immutable", mutate: func(j *batchv1.Job) { j.Spec.Completions = ptr.To(int32(9)) },
			want: []string{"FieldValueInvalid spec.completions"}},
	})
}

func validCronJob() *batchv1.CronJob {
	c := &batchv1.CronJob{ObjectMeta: metav1.ObjectMeta{Name: "nightly", Namespace: "default"},
		Spec: batchv1.CronJobSpec{Schedule: "0 3 * * *",
			JobTemplate: batchv1.JobTemplateSpec{Spec: batchv1.JobSpec{Template: corev1.PodTemplateSpec{Spec: podSpec()}}}}}
	c.Spec.JobTemplate.Spec.Template.Spec.RestartPolicy = corev1.RestartPolicyOnFailure
	return c
}

func TestValidateCronJob(t *testing.T) {
	runCreate(t, validCronJob, true, []createCase[*batchv1.CronJob]{
		{name: "valid"},
		{name: "descriptor", mutate: func(c *batchv1.CronJob) { c.Spec.Schedule = "@hourly" }},
		{name: "bad schedule", mutate: func(c *batchv1.CronJob) { c.Spec.Schedule = "61 * * * *" },
			want: []string{"FieldValueInvalid spec.schedule"}},
		{name: "TZ in schedule", mutate: func(c *batchv1.CronJob) { c.Spec.Schedule = "TZ=UTC 0 * * * *" },
			want: []string{"FieldValueInvalid spec.schedule"}},
		{name: "valid time zone", mutate: func(c *batchv1.CronJob) { c.Spec.TimeZone = ptr.To("Etc/UTC") }},
		{name: "bad time zone", mutate: func(c *batchv1.CronJob) { c.Spec.TimeZone = ptr.To("Mars/Olympus") },
			want: []string{"FieldValueInvalid spec.timeZone"}},
		{name: "concurrency policy", mutate: func(c *batchv1.CronJob) { c.Spec.ConcurrencyPolicy = "Sometimes" },
			want: []string{"FieldValueNotSupported spec.concurrencyPolicy"}},
		{name: "job template restart policy", mutate: func(c *batchv1.CronJob) { c.Spec.JobTemplate.Spec.Template.Spec.RestartPolicy = "Always" },
			want: []string{"FieldValueNotSupported spec.jobTemplate.spec.template.spec.restartPolicy"}},
		{name: "name too long", mutate: func(c *batchv1.CronJob) { c.Name = "a23456789012345678901234567890123456789012345678901234" },
			want: []string{"FieldValueInvalid metadata.name"}},
	})
}

func TestValidCronSchedule(t *testing.T) {
	tests := []struct {
		schedule string
		valid    bool
	}{
		{"* * * * *", true},
		{"*/15 0-6,18-23 1 JAN-jun mon-FRI", true},
		{"0 0 ? * 0", true},
		{"5 4 * * sun", true},
		{"@daily", true},
		{"@every 1h30m", true},
		{"* * * *", false},
		{"* * * * * *", false},
		{"60 * * * *", false},
		{"* 24 * * *", false},
		{"* * 0 * *", false},
		{"* * * 13 *", false},
		{"* * * * 7", false},
		{"*/0 * * * *", false},
		{"5-1 * * * *", false},
		{"a * * * *", false},
		{"@fortnightly", false},
		{"@every soon", false},
	}
	for _, tt := range tests {
		t.Run(tt.schedule, func(t *testing.T) {
			err := ValidCronSchedule(tt.schedule)
			if (err == nil) != tt.valid {
				t.Errorf("ValidCronSchedule(%q) = %v, want valid=%v", tt.schedule, err, tt.valid)
			}
		})
	}
}
