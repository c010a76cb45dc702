package cronjob_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	clocktesting "k8s.io/utils/clock/testing"

	"skiff/pkg/controller/controllertest"
	"skiff/pkg/controller/cronjob"
)

// env is a real API server with the controller under test running, and a fresh namespace.
type env struct {
	*controllertest.Env
	clk *clocktesting.FakeClock
}

func start(t *testing.T) *env {
	t.Helper()
	e := controllertest.Start(t, "cron-test")
	clk := clocktesting.NewFakeClock(time.Now())
	c := cronjob.New(e.Client, e.Informers, e.Recorder, clk, e.Log)
	e.Run(func(ctx context.Context) error { return c.Run(ctx, 2) })
	return &env{Env: e, clk: clk}
}

func (e *env) create(t *testing.T, name string, policy batchv1.ConcurrencyPolicy) *batchv1.CronJob {
	t.Helper()
	cj := &batchv1.CronJob{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: batchv1.CronJobSpec{
		Schedule: "*/5 * * * *", ConcurrencyPolicy: policy,
		JobTemplate: batchv1.JobTemplateSpec{Spec: batchv1.JobSpec{Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
			RestartPolicy: corev1.RestartPolicyNever, Containers: []corev1.Container{{Name: "c", Image: "busybox:1.36"}}}}}}}}
	got, err := e.Client.BatchV1().CronJobs(e.NS).Create(e.Ctx, cj, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// stepTo moves the fake clock to at (which fires the controller's timed resync).
func (e *env) stepTo(at time.Time) { e.clk.SetTime(at) }

// jobs returns the names of the CronJob's jobs that are not being deleted.
func (e *env) jobs(t *testing.T) []string {
	t.Helper()
	list, err := e.Client.BatchV1().Jobs(e.NS).List(e.Ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, j := range list.Items {
		if j.DeletionTimestamp == nil {
			out = append(out, j.Name)
		}
	}
	slices.Sort(out)
	return out
}

// complete marks job finished successfully.
func (e *env) complete(t *testing.T, name string) {
	t.Helper()
	j, err := e.Client.BatchV1().Jobs(e.NS).Get(e.Ctx, name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	now := metav1.NewTime(e.clk.Now())
	j.Status.StartTime, j.Status.CompletionTime = &now, &now
	j.Status.Conditions = []batchv1.JobCondition{
		{Type: batchv1.JobSuccessCriteriaMet, Status: corev1.ConditionTrue, LastTransitionTime: now},
		{Type: batchv1.JobComplete, Status: corev1.ConditionTrue, LastTransitionTime: now}}
	if _, err := e.Client.BatchV1().Jobs(e.NS).UpdateStatus(e.Ctx, j, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// slots returns the next three */5 schedule times after created.
func slots(created time.Time) []time.Time {
	first := created.UTC().Truncate(5 * time.Minute).Add(5 * time.Minute)
	return []time.Time{first, first.Add(5 * time.Minute), first.Add(10 * time.Minute)}
}

func name(cj string, at time.Time) string { return fmt.Sprintf("%s-%d", cj, at.Unix()/60) }

func TestForbid(t *testing.T) {
	e := start(t)
	cj := e.create(t, "report", batchv1.ForbidConcurrent)
	s := slots(cj.CreationTimestamp.Time)
	e.stepTo(s[0].Add(-time.Second))
	if got := e.jobs(t); len(got) != 0 {
		t.Fatalf("jobs before the first schedule time: %v", got)
	}
	e.stepTo(s[0].Add(time.Second))
	e.Eventually(t, "first job", func() bool { return len(e.jobs(t)) == 1 })
	if diff := cmp.Diff([]string{name("report", s[0])}, e.jobs(t)); diff != "" {
		t.Fatalf("jobs (-want +got):\n%s", diff)
	}
	e.Eventually(t, "status", func() bool {
		got, _ := e.Client.BatchV1().CronJobs(e.NS).Get(e.Ctx, "report", metav1.GetOptions{})
		return len(got.Status.Active) == 1 && got.Status.LastScheduleTime != nil && got.Status.LastScheduleTime.Time.Equal(s[0])
	})
	e.stepTo(s[1].Add(time.Second))
	e.Eventually(t, "forbid skip event", func() bool {
		evs, _ := e.Client.CoreV1().Events(e.NS).List(e.Ctx, metav1.ListOptions{})
		return slices.ContainsFunc(evs.Items, func(ev corev1.Event) bool { return ev.Reason == "JobAlreadyActive" })
	})
	if got := e.jobs(t); len(got) != 1 {
		t.Fatalf("Forbid started a concurrent job: %v", got)
	}
	e.complete(t, name("report", s[0]))
	// The run skipped at s[1] starts once the first job finishes (no startingDeadlineSeconds).
	e.Eventually(t, "missed run started after completion", func() bool {
		got, _ := e.Client.BatchV1().CronJobs(e.NS).Get(e.Ctx, "report", metav1.GetOptions{})
		return got.Status.LastSuccessfulTime != nil && len(got.Status.Active) == 1 && got.Status.Active[0].Name == name("report", s[1])
	})
	e.stepTo(s[2].Add(time.Second))
	e.Eventually(t, "second skip", func() bool {
		evs, _ := e.Client.CoreV1().Events(e.NS).List(e.Ctx, metav1.ListOptions{})
		n := 0
		for _, ev := range evs.Items {
			if ev.Reason == "JobAlreadyActive" {
				n += int(max(ev.Count, 1))
			}
		}
		return n >= 2
	})
	if diff := cmp.Diff([]string{name("report", s[0]), name("report", s[1])}, e.jobs(t)); diff != "" {
		t.Errorf("jobs (-want +got):\n%s", diff)
	}
}

func TestReplace(t *testing.T) {
	e := start(t)
	cj := e.create(t, "sync", batchv1.ReplaceConcurrent)
	s := slots(cj.CreationTimestamp.Time)
	e.stepTo(s[0].Add(time.Second))
	e.Eventually(t, "first job", func() bool { return len(e.jobs(t)) == 1 })
	e.stepTo(s[1].Add(time.Second))
	e.Eventually(t, "replaced", func() bool {
		return cmp.Equal([]string{name("sync", s[1])}, e.jobs(t))
	})
}
