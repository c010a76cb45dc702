package printers

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

func TestJobCells(t *testing.T) {
	template := corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "pi", Image: "perl:5.34"}}}}
	selector := &metav1.LabelSelector{MatchLabels: map[string]string{"batch.kubernetes.io/controller-uid": "abc"}}
	job := func(completions, parallelism *int32, conds ...batchv1.JobConditionType) *batchv1.Job {
		j := &batchv1.Job{
			ObjectMeta: objMeta("pi", 10*time.Minute),
			Spec:       batchv1.JobSpec{Completions: completions, Parallelism: parallelism, Selector: selector, Template: template},
			Status:     batchv1.JobStatus{Succeeded: 1, StartTime: agoPtr(9 * time.Minute)},
		}
		for _, c := range conds {
			j.Status.Conditions = append(j.Status.Conditions, batchv1.JobCondition{Type: c, Status: corev1.ConditionTrue})
		}
		return j
	}
	complete := job(ptr(int32(1)), ptr(int32(1)), batchv1.JobSuccessCriteriaMet, batchv1.JobComplete)
	complete.Status.CompletionTime = agoPtr(8*time.Minute + 25*time.Second)
	terminating := job(ptr(int32(3)), nil)
	terminating.DeletionTimestamp = agoPtr(time.Second)
	notStarted := job(nil, nil, batchv1.JobSuspended)
	notStarted.Status = batchv1.JobStatus{Conditions: notStarted.Status.Conditions}
	falseComplete := job(ptr(int32(2)), nil)
	falseComplete.Status.Conditions = []batchv1.JobCondition{{Type: batchv1.JobComplete, Status: corev1.ConditionFalse}}
	wide := []any{"pi", "perl:5.34", "batch.kubernetes.io/controller-uid=abc"}

	tests := []struct {
		name                       string
		job                        *batchv1.Job
		status, completions, taken string
	}{
		{"complete", complete, "Complete", "1/1", "35s"},
		{"running", job(ptr(int32(5)), ptr(int32(2))), "Running", "1/5", "9m"},
		{"running without completions", job(nil, ptr(int32(1))), "Running", "1/1", "9m"},
		{"work queue with parallelism", job(nil, ptr(int32(4))), "Running", "1/1 of 4", "9m"},
		{"failed", job(ptr(int32(1)), nil, batchv1.JobFailureTarget, batchv1.JobFailed), "Failed", "1/1", "9m"},
		{"failure target", job(ptr(int32(1)), nil, batchv1.JobFailureTarget), "FailureTarget", "1/1", "9m"},
		{"success criteria met", job(ptr(int32(1)), nil, batchv1.JobSuccessCriteriaMet), "SuccessCriteriaMet", "1/1", "9m"},
		{"terminating", terminating, "Terminating", "1/3", "9m"},
		{"suspended before start", notStarted, "Suspended", "0/1", ""},
		{"false condition ignored", falseComplete, "Running", "1/2", "9m"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want := append([]any{"pi", tc.status, tc.completions, tc.taken, "10m"}, wide...)
			if diff := cmp.Diff(want, rowCells(t, tc.job)); diff != "" {
				t.Errorf("cells (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCronJobCells(t *testing.T) {
	spec := batchv1.CronJobSpec{
		Schedule: "*/5 * * * *",
		JobTemplate: batchv1.JobTemplateSpec{Spec: batchv1.JobSpec{Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
			Containers: []corev1.Container{{Name: "backup", Image: "restic:0.16"}},
		}}}},
	}
	scheduled := &batchv1.CronJob{ObjectMeta: objMeta("backup", 30*24*time.Hour), Spec: spec, Status: batchv1.CronJobStatus{
		Active: []corev1.ObjectReference{{Name: "backup-1"}}, LastScheduleTime: agoPtr(4 * time.Minute),
	}}
	scheduled.Spec.Suspend = ptr(false)
	scheduled.Spec.TimeZone = ptr("Europe/Paris")
	suspended := &batchv1.CronJob{ObjectMeta: objMeta("backup", 30*24*time.Hour), Spec: spec}
	suspended.Spec.Suspend = ptr(true)
	tests := []struct {
		name string
		obj  runtime.Object
		want []any
	}{
		{"scheduled", scheduled, []any{"backup", "*/5 * * * *", "Europe/Paris", "False", int64(1), "4m", "30d", "backup", "restic:0.16", "<none>"}},
		{"suspended, never run", suspended, []any{"backup", "*/5 * * * *", "<none>", "True", int64(0), "<none>", "30d", "backup", "restic:0.16", "<none>"}},
		{"suspend unset", &batchv1.CronJob{ObjectMeta: objMeta("backup", 30*24*time.Hour), Spec: spec},
			[]any{"backup", "*/5 * * * *", "<none>", "<unset>", int64(0), "<none>", "30d", "backup", "restic:0.16", "<none>"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, rowCells(t, tc.obj)); diff != "" {
				t.Errorf("cells (-want +got):\n%s", diff)
			}
		})
	}
}
