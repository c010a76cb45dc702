package job_test

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/scheme"
	typedcorev1 "k8s.io/client-go/kubernetes/typed/core/v1"
	"k8s.io/client-go/tools/record"
	"k8s.io/utils/clock"
	"k8s.io/utils/ptr"

	"skiff/pkg/controller/job"
	"skiff/pkg/server/servertest"
)

// env is a real API server with the job controller running, and a fresh namespace.
type env struct {
	cs  kubernetes.Interface
	ns  string
	ctx context.Context
}

func start(t *testing.T) *env {
	t.Helper()
	s := servertest.StartWith(t, servertest.Options{NoControllers: true})
	ctx, cancel := context.WithCancel(context.Background())
	f := informers.NewSharedInformerFactory(s.Client, 0)
	bc := record.NewBroadcaster()
	bc.StartRecordingToSink(&typedcorev1.EventSinkImpl{Interface: s.Client.CoreV1().Events("")})
	rec := bc.NewRecorder(scheme.Scheme, corev1.EventSource{Component: "test"})
	c := job.New(s.Client, f, rec, clock.RealClock{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	job.SetBackoffBase(c, 200*time.Millisecond)
	f.Start(ctx.Done())
	done := make(chan error)
	go func() { done <- c.Run(ctx, 2) }()
	t.Cleanup(func() { cancel(); <-done; f.Shutdown(); bc.Shutdown() })
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "job-test"}}
	if _, err := s.Client.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	return &env{cs: s.Client, ns: ns.Name, ctx: ctx}
}

func newJob(name string, completions, parallelism int32) *batchv1.Job {
	return &batchv1.Job{ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: batchv1.JobSpec{Completions: ptr.To(completions), Parallelism: ptr.To(parallelism),
			Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{RestartPolicy: corev1.RestartPolicyNever,
				Containers: []corev1.Container{{Name: "c", Image: "busybox:1.36"}}}}}}
}

func (e *env) create(t *testing.T, j *batchv1.Job) {
	t.Helper()
	if _, err := e.cs.BatchV1().Jobs(e.ns).Create(e.ctx, j, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// active lists the pods of job that are neither finished nor being deleted.
func (e *env) active(t *testing.T, jobName string) []corev1.Pod {
	t.Helper()
	list, err := e.cs.CoreV1().Pods(e.ns).List(e.ctx, metav1.ListOptions{LabelSelector: "batch.kubernetes.io/job-name=" + jobName})
	if err != nil {
		t.Fatal(err)
	}
	return slices.DeleteFunc(list.Items, func(p corev1.Pod) bool { return job.IsFinished(&p) })
}

func (e *env) job(t *testing.T, name string) *batchv1.Job {
	t.Helper()
	j, err := e.cs.BatchV1().Jobs(e.ns).Get(e.ctx, name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func (e *env) eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	err := wait.PollUntilContextTimeout(e.ctx, 50*time.Millisecond, 30*time.Second, true, func(context.Context) (bool, error) { return cond(), nil })
	if err != nil {
		t.Fatalf("timed out waiting for %s", what)
	}
}

// finish sets pod's phase to Succeeded or Failed.
func (e *env) finish(t *testing.T, p corev1.Pod, phase corev1.PodPhase) {
	t.Helper()
	p.Status.Phase = phase
	p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionFalse, LastTransitionTime: metav1.Now()}}
	if _, err := e.cs.CoreV1().Pods(e.ns).UpdateStatus(e.ctx, &p, metav1.UpdateOptions{}); err != nil {
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
		e.eventually(t, "running pods", func() bool { return len(e.active(t, "pi")) > 0 })
		pods := e.active(t, "pi")
		if len(pods) > 2 {
			t.Fatalf("%d active pods exceed parallelism 2", len(pods))
		}
		if !slices.Contains(pods[0].Finalizers, batchv1.JobTrackingFinalizer) {
			t.Errorf("pod %s lacks the tracking finalizer: %v", pods[0].Name, pods[0].Finalizers)
		}
		e.finish(t, pods[0], corev1.PodSucceeded)
		succeeded++
		e.eventually(t, "success counted", func() bool { return e.job(t, "pi").Status.Succeeded == int32(succeeded) })
	}
	e.eventually(t, "job complete", func() bool {
		j := e.job(t, "pi")
		return conditionTrue(j, batchv1.JobComplete) && conditionTrue(j, batchv1.JobSuccessCriteriaMet) && j.Status.CompletionTime != nil
	})
	j := e.job(t, "pi")
	if j.Status.Succeeded != 3 || j.Status.Active != 0 || j.Status.Failed != 0 || j.Status.StartTime == nil {
		t.Errorf("final status: %+v", j.Status)
	}
	list, _ := e.cs.CoreV1().Pods(e.ns).List(e.ctx, metav1.ListOptions{})
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
		e.eventually(t, "a pod", func() bool { return len(e.active(t, "flaky")) == 1 })
		e.finish(t, e.active(t, "flaky")[0], corev1.PodFailed)
		e.eventually(t, "failure counted", func() bool { return e.job(t, "flaky").Status.Failed == int32(i+1) })
	}
	e.eventually(t, "job failed", func() bool {
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
	e.eventually(t, "3 pods", func() bool { return len(e.active(t, "idx")) == 3 })
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
	e.eventually(t, "index 1 replaced", func() bool {
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
	e.eventually(t, "indexed job complete", func() bool {
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
	e.eventually(t, "a pod", func() bool { return len(e.active(t, "sleepy")) == 1 })
	j = e.job(t, "sleepy")
	j.Spec.Suspend = ptr.To(true)
	if _, err := e.cs.BatchV1().Jobs(e.ns).Update(e.ctx, j, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	e.eventually(t, "suspended, no pods", func() bool {
		return conditionTrue(e.job(t, "sleepy"), batchv1.JobSuspended) && len(e.active(t, "sleepy")) == 0
	})
	j = e.job(t, "sleepy")
	j.Spec.Suspend = ptr.To(false)
	if _, err := e.cs.BatchV1().Jobs(e.ns).Update(e.ctx, j, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	e.eventually(t, "resumed", func() bool { return len(e.active(t, "sleepy")) == 1 })
	e.finish(t, e.active(t, "sleepy")[0], corev1.PodSucceeded)
	e.eventually(t, "job deleted after TTL", func() bool {
		_, err := e.cs.BatchV1().Jobs(e.ns).Get(e.ctx, "sleepy", metav1.GetOptions{})
		return apierrors.IsNotFound(err)
	})
}
