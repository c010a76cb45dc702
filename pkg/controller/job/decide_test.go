package job

import (
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
)

func TestBackoffDelay(t *testing.T) {
	for _, tc := range []struct {
		failures int
		want     time.Duration
	}{{0, 0}, {1, 10 * time.Second}, {2, 20 * time.Second}, {3, 40 * time.Second}, {6, 320 * time.Second}, {7, 6 * time.Minute}, {50, 6 * time.Minute}} {
		t.Run(time.Duration(tc.failures).String(), func(t *testing.T) {
			if got := backoffDelay(tc.failures, defaultBackoffBase, maxBackoff); got != tc.want {
				t.Errorf("backoffDelay(%d) = %v, want %v", tc.failures, got, tc.want)
			}
		})
	}
}

func TestIndexSet(t *testing.T) {
	for _, in := range []string{"", "0", "1,3-5,7", "0-9"} {
		t.Run(in, func(t *testing.T) {
			if got := parseIndexes(in).String(); got != in {
				t.Errorf("round trip %q = %q", in, got)
			}
		})
	}
	if got := parseIndexes("5,1,2,3").String(); got != "1-3,5" {
		t.Errorf("normalise = %q", got)
	}
}

func TestMatchFailurePolicy(t *testing.T) {
	policy := &batchv1.PodFailurePolicy{Rules: []batchv1.PodFailurePolicyRule{
		{Action: batchv1.PodFailurePolicyActionIgnore, OnPodConditions: []batchv1.PodFailurePolicyOnPodConditionsPattern{{Type: corev1.DisruptionTarget}}},
		{Action: batchv1.PodFailurePolicyActionFailJob, OnExitCodes: &batchv1.PodFailurePolicyOnExitCodesRequirement{Operator: batchv1.PodFailurePolicyOnExitCodesOpIn, Values: []int32{42}}},
		{Action: batchv1.PodFailurePolicyActionCount, OnExitCodes: &batchv1.PodFailurePolicyOnExitCodesRequirement{Operator: batchv1.PodFailurePolicyOnExitCodesOpNotIn, Values: []int32{1}}},
	}}
	exit := func(code int32) *corev1.Pod {
		return &corev1.Pod{Status: corev1.PodStatus{Phase: corev1.PodFailed, ContainerStatuses: []corev1.ContainerStatus{
			{Name: "c", State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: code}}}}}}
	}
	disrupted := exit(1)
	disrupted.Status.Conditions = []corev1.PodCondition{{Type: corev1.DisruptionTarget, Status: corev1.ConditionTrue}}
	for _, tc := range []struct {
		name   string
		pod    *corev1.Pod
		want   batchv1.PodFailurePolicyAction
		wantOK bool
	}{
		{"exit 42 fails job", exit(42), batchv1.PodFailurePolicyActionFailJob, true},
		{"exit 3 counts via NotIn", exit(3), batchv1.PodFailurePolicyActionCount, true},
		{"exit 1 matches nothing", exit(1), "", false},
		{"disruption ignored", disrupted, batchv1.PodFailurePolicyActionIgnore, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, _, ok := matchFailurePolicy(policy, tc.pod)
			if got != tc.want || ok != tc.wantOK {
				t.Errorf("got %q %v, want %q %v", got, ok, tc.want, tc.wantOK)
			}
		})
	}
}

var t0 = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

func testJob(completions, parallelism int32, mutate ...func(*batchv1.Job)) *batchv1.Job {
	j := &batchv1.Job{ObjectMeta: metav1.ObjectMeta{Name: "j", Namespace: "ns", UID: "job"},
		Spec:   batchv1.JobSpec{Completions: ptr.To(completions), Parallelism: ptr.To(parallelism), BackoffLimit: ptr.To[int32](1)},
		Status: batchv1.JobStatus{StartTime: &metav1.Time{Time: t0}}}
	for _, m := range mutate {
		m(j)
	}
	return j
}

func testPod(name string, phase corev1.PodPhase, index int, tracked bool) *corev1.Pod {
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, UID: types.UID(name), Annotations: map[string]string{}},
		Status: corev1.PodStatus{Phase: phase}}
	if index >= 0 {
		p.Annotations[indexKey] = strconv.Itoa(index)
	}
	if tracked {
		p.Finalizers = []string{trackingFinalizer}
	}
	return p
}

// summary is the comparable part of a plan.
type summary struct {
	Create     []int
	Delete     []string
	Strip      []string
	Active     int32
	Succeeded  int32
	Failed     int32
	Uncounted  batchv1.UncountedTerminatedPods
	Conditions []batchv1.JobConditionType
	Completed  string
	Requeue    time.Duration
}

func summarize(p plan) summary {
	s := summary{Create: p.create, Active: p.status.Active, Succeeded: p.status.Succeeded, Failed: p.status.Failed,
		Completed: p.status.CompletedIndexes, Requeue: p.requeueAfter}
	for _, x := range p.delete {
		s.Delete = append(s.Delete, x.Name)
	}
	for _, x := range p.strip {
		s.Strip = append(s.Strip, x.Name)
	}
	if u := p.status.UncountedTerminatedPods; u != nil {
		s.Uncounted = *u
	}
	for _, c := range p.status.Conditions {
		if c.Status == corev1.ConditionTrue {
			s.Conditions = append(s.Conditions, c.Type)
		}
	}
	return s
}

func TestDecide(t *testing.T) {
	indexed := func(j *batchv1.Job) { j.Spec.CompletionMode = ptr.To(batchv1.IndexedCompletion) }
	counted := func(succ, fail int32) func(*batchv1.Job) {
		return func(j *batchv1.Job) { j.Status.Succeeded, j.Status.Failed = succ, fail }
	}
	cond := func(t batchv1.JobConditionType) func(*batchv1.Job) {
		return func(j *batchv1.Job) {
			j.Status.Conditions = append(j.Status.Conditions, batchv1.JobCondition{Type: t, Status: corev1.ConditionTrue})
		}
	}
	failedAt := func(p *corev1.Pod, at time.Time) *corev1.Pod {
		p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionFalse, LastTransitionTime: metav1.Time{Time: at}}}
		return p
	}
	for _, tc := range []struct {
		name string
		job  *batchv1.Job
		pods []*corev1.Pod
		now  time.Time
		want summary
	}{{
		name: "new job starts parallelism pods",
		job:  testJob(3, 2),
		want: summary{Create: []int{-1, -1}, Active: 2},
	}, {
		name: "finished pod becomes uncounted and is stripped",
		job:  testJob(3, 2),
		pods: []*corev1.Pod{testPod("a", corev1.PodSucceeded, -1, true), testPod("b", corev1.PodRunning, -1, true)},
		want: summary{Create: []int{-1}, Strip: []string{"a"}, Active: 2, Uncounted: batchv1.UncountedTerminatedPods{Succeeded: []types.UID{"a"}}},
	}, {
		name: "stripped pod is counted once",
		job: testJob(3, 2, counted(0, 0), func(j *batchv1.Job) {
			j.Status.UncountedTerminatedPods = &batchv1.UncountedTerminatedPods{Succeeded: []types.UID{"a"}}
		}),
		pods: []*corev1.Pod{testPod("a", corev1.PodSucceeded, -1, false), testPod("b", corev1.PodRunning, -1, true), testPod("c", corev1.PodRunning, -1, true)},
		want: summary{Active: 2, Succeeded: 1},
	}, {
		name: "last completion sets SuccessCriteriaMet then waits",
		job:  testJob(2, 2, counted(1, 0)),
		pods: []*corev1.Pod{testPod("a", corev1.PodSucceeded, -1, true)},
		want: summary{Strip: []string{"a"}, Succeeded: 1, Uncounted: batchv1.UncountedTerminatedPods{Succeeded: []types.UID{"a"}},
			Conditions: []batchv1.JobConditionType{batchv1.JobSuccessCriteriaMet}},
	}, {
		name: "drained job completes",
		job:  testJob(2, 2, counted(2, 0), cond(batchv1.JobSuccessCriteriaMet)),
		want: summary{Succeeded: 2, Conditions: []batchv1.JobConditionType{batchv1.JobSuccessCriteriaMet, batchv1.JobComplete}},
	}, {
		name: "excess parallelism deletes running pods",
		job:  testJob(5, 1),
		pods: []*corev1.Pod{testPod("a", corev1.PodRunning, -1, true), testPod("b", corev1.PodRunning, -1, true)},
		want: summary{Delete: []string{"a"}, Active: 1},
	}, {
		name: "failure waits for backoff",
		job:  testJob(1, 1, counted(0, 1), func(j *batchv1.Job) { j.Spec.BackoffLimit = ptr.To[int32](3) }),
		pods: []*corev1.Pod{failedAt(testPod("a", corev1.PodFailed, -1, false), t0)},
		now:  t0.Add(4 * time.Second),
		want: summary{Failed: 1, Requeue: 6 * time.Second},
	}, {
		name: "backoff elapsed creates replacement",
		job:  testJob(1, 1, counted(0, 1), func(j *batchv1.Job) { j.Spec.BackoffLimit = ptr.To[int32](3) }),
		pods: []*corev1.Pod{failedAt(testPod("a", corev1.PodFailed, -1, false), t0)},
		now:  t0.Add(10 * time.Second),
		want: summary{Failed: 1, Create: []int{-1}, Active: 1},
	}, {
		name: "backoff limit exceeded",
		job:  testJob(1, 1, counted(0, 1)),
		pods: []*corev1.Pod{testPod("b", corev1.PodFailed, -1, true)},
		want: summary{Failed: 1, Strip: []string{"b"}, Uncounted: batchv1.UncountedTerminatedPods{Failed: []types.UID{"b"}},
			Conditions: []batchv1.JobConditionType{batchv1.JobFailureTarget}},
	}, {
		name: "deadline exceeded stops pods",
		job:  testJob(1, 1, func(j *batchv1.Job) { j.Spec.ActiveDeadlineSeconds = ptr.To[int64](30) }),
		pods: []*corev1.Pod{testPod("a", corev1.PodRunning, -1, true)},
		now:  t0.Add(time.Minute),
		want: summary{Delete: []string{"a"}, Conditions: []batchv1.JobConditionType{batchv1.JobFailureTarget}},
	}, {
		name: "suspend deletes active pods",
		job:  testJob(1, 1, func(j *batchv1.Job) { j.Spec.Suspend = ptr.To(true) }),
		pods: []*corev1.Pod{testPod("a", corev1.PodRunning, -1, true)},
		want: summary{Delete: []string{"a"}, Conditions: []batchv1.JobConditionType{batchv1.JobSuspended}},
	}, {
		name: "indexed fills missing indexes lowest first",
		job:  testJob(4, 2, indexed, func(j *batchv1.Job) { j.Status.CompletedIndexes = "0"; j.Status.Succeeded = 1 }),
		pods: []*corev1.Pod{testPod("p2", corev1.PodRunning, 2, true)},
		want: summary{Create: []int{1}, Active: 2, Succeeded: 1, Completed: "0"},
	}, {
		name: "indexed duplicate index deleted",
		job:  testJob(2, 2, indexed),
		pods: []*corev1.Pod{testPod("x", corev1.PodRunning, 0, true), testPod("y", corev1.PodRunning, 0, true)},
		want: summary{Delete: []string{"x"}, Create: []int{1}, Active: 2},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			now := tc.now
			if now.IsZero() {
				now = t0
			}
			got := summarize(decide(input{job: tc.job, pods: tc.pods, now: now, canManage: true, backoffBase: defaultBackoffBase}))
			if diff := cmp.Diff(tc.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("plan (-want +got):\n%s", diff)
			}
		})
	}
}
