package job_test

import (
	"context"
	"slices"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/clock"
	"k8s.io/utils/ptr"

	"skiff/pkg/controller/controllertest"
	"skiff/pkg/controller/job"
)

// env is a real API server with the controller under test running, and a fresh namespace.
type env struct {
	*controllertest.Env
}

func start(t *testing.T) *env {
	t.Helper()
	e := controllertest.Start(t, "job-test")
	c := job.New(e.Client, e.Informers, e.Recorder, clock.RealClock{}, e.Log)
	job.SetBackoffBase(c, 200*time.Millisecond)
	e.Run(func(ctx context.Context) error { return c.Run(ctx, 2) })
	return &env{e}
}

func newJob(name string, completions, parallelism int32) *batchv1.Job {
	return &batchv1.Job{ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: batchv1.JobSpec{Completions: ptr.To(completions), Parallelism: ptr.To(parallelism),
			Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{RestartPolicy: corev1.RestartPolicyNever,
				Containers: []corev1.Container{{Name: "c", Image: "busybox:1.36"}}}}}}
}

func (e *env) create(t *testing.T, j *batchv1.Job) {
	t.Helper()
	if _, err := e.Client.BatchV1().Jobs(e.NS).Create(e.Ctx, j, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// active lists the pods of job that are neither finished nor being deleted.
func (e *env) active(t *testing.T, jobName string) []corev1.Pod {
	t.Helper()
	list, err := e.Client.CoreV1().Pods(e.NS).List(e.Ctx, metav1.ListOptions{LabelSelector: "batch.kubernetes.io/job-name=" + jobName})
	if err != nil {
		t.Fatal(err)
	}
	return slices.DeleteFunc(list.Items, func(p corev1.Pod) bool { return job.IsFinished(&p) })
}

func (e *env) job(t *testing.T, name string) *batchv1.Job {
	t.Helper()
	j, err := e.Client.BatchV1().Jobs(e.NS).Get(e.Ctx, name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return j
}

// finish sets pod's phase to Succeeded or Failed.
func (e *env) finish(t *testing.T, p corev1.Pod, phase corev1.PodPhase) {
	t.Helper()
	p.Status.Phase = phase
	p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionFalse, LastTransitionTime: metav1.Now()}}
	if _, err := e.Client.CoreV1().Pods(e.NS).UpdateStatus(e.Ctx, &p, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
}

func conditionTrue(j *batchv1.Job, t batchv1.JobConditionType) bool {
	for _, c := range j.Status.Conditions {
		if c.Type == t && c.Status == corev1.ConditionTrue {
			return true
		}
	}
	return false
}

func TestCompletionsWithParallelism(t *testing.T) {
	e := start(t)
	e.create(t, newJob("pi", 3, 2))
	succeeded := 0
	for succeeded < 3 {
		e.Eventually(t, "running pods", func() bool { return len(e.active(t, "pi")) > 0 })
		pods := e.active(t, "pi")
		if len(pods) > 2 {
			t.Fatalf("%d active pods exceed parallelism 2", len(pods))
		}
		if !slices.Contains(pods[0].Finalizers, batchv1.JobTrackingFinalizer) {
			t.Errorf("pod %s lacks the tracking finalizer: %v", pods[0].Name, pods[0].Finalizers)
		}
		e.finish(t, pods[0], corev1.PodSucceeded)
		succeeded++
		e.Eventually(t, "success counted", func() bool { return e.job(t, "pi").Status.Succeeded == int32(succeeded) })
	}
	e.Eventually(t, "job complete", func() bool {
		j := e.job(t, "pi")
		return conditionTrue(j, batchv1.JobComplete) && conditionTrue(j, batchv1.JobSuccessCriteriaMet) && j.Status.CompletionTime != nil
	})
	j := e.job(t, "pi")
	if j.Status.Succeeded != 3 || j.Status.Active != 0 || j.Status.Failed != 0 || j.Status.StartTime == nil {
		t.Errorf("final status: %+v", j.Status)
	}
	list, _ := e.Client.CoreV1().Pods(e.NS).List(e.Ctx, metav1.ListOptions{})
	for _, p := range list.Items {
		if slices.Contains(p.Finalizers, batchv1.JobTrackingFinalizer) {
			t.Errorf("pod %s still has the tracking finalizer", p.Name)
		}
	}
}

func TestBackoffLimitFailsJob(t *testing.T) {
	e := start(t)
	j := newJob("flaky", 1, 1)
	j.Spec.BackoffLimit = ptr.To[int32](1)
	e.create(t, j)
	for i := range 2 {
		e.Eventually(t, "a pod", func() bool { return len(e.active(t, "flaky")) == 1 })
		e.finish(t, e.active(t, "flaky")[0], corev1.PodFailed)
		e.Eventually(t, "failure counted", func() bool { return e.job(t, "flaky").Status.Failed == int32(i+1) })
	}
	e.Eventually(t, "job failed", func() bool {
		j := e.job(t, "flaky")
		return conditionTrue(j, batchv1.JobFailed) && conditionTrue(j, batchv1.JobFailureTarget)
	})
	got := e.job(t, "flaky")
	for _, c := range got.Status.Conditions {
		if c.Type == batchv1.JobFailed && c.Reason != batchv1.JobReasonBackoffLimitExceeded {
			t.Errorf("Failed reason = %q", c.Reason)
		}
	}
	if n := len(e.active(t, "flaky")); n != 0 {
		t.Errorf("%d active pods after failure", n)
	}
}

func TestIndexedJob(t *testing.T) {
	e := start(t)
	j := newJob("idx", 3, 3)
	j.Spec.CompletionMode = ptr.To(batchv1.IndexedCompletion)
	e.create(t, j)
	e.Eventually(t, "3 pods", func() bool { return len(e.active(t, "idx")) == 3 })
	var indexes []string
	for _, p := range e.active(t, "idx") {
		i := p.Annotations[batchv1.JobCompletionIndexAnnotation]
		indexes = append(indexes, i)
		if p.Labels[batchv1.JobCompletionIndexAnnotation] != i || p.Spec.Hostname != "idx-"+i {
			t.Errorf("pod %s: label %q hostname %q for index %s", p.Name, p.Labels[batchv1.JobCompletionIndexAnnotation], p.Spec.Hostname, i)
		}
	}
	slices.Sort(indexes)
	if !slices.Equal(indexes, []string{"0", "1", "2"}) {
		t.Fatalf("indexes = %v", indexes)
	}
	for _, p := range e.active(t, "idx") {
		if p.Annotations[batchv1.JobCompletionIndexAnnotation] == "1" {
			e.finish(t, p, corev1.PodFailed)
		}
	}
	e.Eventually(t, "index 1 replaced", func() bool {
		for _, p := range e.active(t, "idx") {
			if p.Annotations[batchv1.JobCompletionIndexAnnotation] == "1" {
				return true
			}
		}
		return false
	})
	for _, p := range e.active(t, "idx") {
		e.finish(t, p, corev1.PodSucceeded)
	}
	e.Eventually(t, "indexed job complete", func() bool {
		j := e.job(t, "idx")
		return conditionTrue(j, batchv1.JobComplete) && j.Status.CompletedIndexes == "0-2" && j.Status.Succeeded == 3 && j.Status.Failed == 1
	})
}

func TestSuspendAndTTL(t *testing.T) {
	e := start(t)
	j := newJob("sleepy", 1, 2)
	j.Spec.Parallelism = ptr.To[int32](1)
	j.Spec.TTLSecondsAfterFinished = ptr.To[int32](0)
	e.create(t, j)
	e.Eventually(t, "a pod", func() bool { return len(e.active(t, "sleepy")) == 1 })
	j = e.job(t, "sleepy")
	j.Spec.Suspend = ptr.To(true)
	if _, err := e.Client.BatchV1().Jobs(e.NS).Update(e.Ctx, j, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	e.Eventually(t, "suspended, no pods", func() bool {
		return conditionTrue(e.job(t, "sleepy"), batchv1.JobSuspended) && len(e.active(t, "sleepy")) == 0
	})
	j = e.job(t, "sleepy")
	j.Spec.Suspend = ptr.To(false)
	if _, err := e.Client.BatchV1().Jobs(e.NS).Update(e.Ctx, j, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	e.Eventually(t, "resumed", func() bool { return len(e.active(t, "sleepy")) == 1 })
	e.finish(t, e.active(t, "sleepy")[0], corev1.PodSucceeded)
	e.Eventually(t, "job deleted after TTL", func() bool {
		_, err := e.Client.BatchV1().Jobs(e.NS).Get(e.Ctx, "sleepy", metav1.GetOptions{})
		return apierrors.IsNotFound(err)
	})
}
