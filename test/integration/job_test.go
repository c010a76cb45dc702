package integration_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"

	"skiff/pkg/sim"
)

// jobOutcome is what a finished Job reports.
type jobOutcome struct {
	Condition batchv1.JobConditionType
	Reason    string
	Succeeded int32
	Failed    int32
}

// TestJobRetriesAndCompletes runs Jobs whose pods the simulator finishes by their exit-after and
// exit-code annotations. Failed pods are retried (after the 10 s backoff) up to backoffLimit.
func TestJobRetriesAndCompletes(t *testing.T) {
	srv := startCluster(t)
	cs := srv.Client
	startSim(t, cs, sim.Config{Nodes: 2, NamePrefix: "n-", HeartbeatInterval: 2 * time.Second})
	createNamespace(t, cs, "jobs")
	cases := []struct {
		name        string
		exitCode    string
		completions int32
		parallelism int32
		backoff     int32
		fixRetry    bool // the test makes the second pod exit 0
		want        jobOutcome
	}{
		{name: "completes", exitCode: "0", completions: 3, parallelism: 2, backoff: 1,
			want: jobOutcome{batchv1.JobComplete, "CompletionsReached", 3, 0}},
		{name: "gives-up", exitCode: "1", completions: 1, parallelism: 1, backoff: 1,
			want: jobOutcome{batchv1.JobFailed, batchv1.JobReasonBackoffLimitExceeded, 0, 2}},
		{name: "retries-then-completes", exitCode: "1", completions: 1, parallelism: 1, backoff: 2, fixRetry: true,
			want: jobOutcome{batchv1.JobComplete, "CompletionsReached", 1, 1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			job := newJob(tc.name, tc.exitCode, tc.completions, tc.parallelism, tc.backoff)
			if _, err := cs.BatchV1().Jobs("jobs").Create(context.Background(), job, metav1.CreateOptions{}); err != nil {
				t.Fatal(err)
			}
			if tc.fixRetry {
				fixSecondPod(t, cs, "jobs", tc.name)
			}
			got := waitJobFinished(t, cs, "jobs", tc.name)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("job outcome (-want +got):\n%s", diff)
			}
		})
	}
}

// newJob is a Job whose pods exit with code after 1.5 s.
func newJob(name, code string, completions, parallelism, backoff int32) *batchv1.Job {
	tmpl := podTemplate(name)
	tmpl.Annotations = map[string]string{sim.AnnotationExitAfter: "1500ms", sim.AnnotationExitCode: code}
	tmpl.Spec.RestartPolicy = corev1.RestartPolicyNever
	return &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: batchv1.JobSpec{
			Completions: ptr.To(completions), Parallelism: ptr.To(parallelism), BackoffLimit: ptr.To(backoff),
			Template: tmpl,
		},
	}
}

// fixSecondPod waits for the Job's first pod to fail and for its replacement, then sets the
// replacement's exit code to 0 before it exits, as a fixed transient fault would.
func fixSecondPod(t *testing.T, cs kubernetes.Interface, ns, name string) {
	t.Helper()
	var retry string
	eventually(t, 45*time.Second, "first pod failed and a replacement created", func(ctx context.Context) (bool, error) {
		pods, err := appPods(ctx, cs, ns, name)
		if err != nil || len(pods) < 2 {
			return false, err
		}
		for _, p := range pods {
			if p.Status.Phase != corev1.PodFailed {
				retry = p.Name
			}
		}
		return retry != "", nil
	})
	patch := fmt.Sprintf(`{"metadata":{"annotations":{%q:"0"}}}`, sim.AnnotationExitCode)
	if _, err := cs.CoreV1().Pods(ns).Patch(context.Background(), retry, types.MergePatchType, []byte(patch), metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
}

// waitJobFinished waits for the Job's Complete or Failed condition and returns its outcome.
func waitJobFinished(t *testing.T, cs kubernetes.Interface, ns, name string) jobOutcome {
	t.Helper()
	var out jobOutcome
	eventually(t, 60*time.Second, "job finished", func(ctx context.Context) (bool, error) {
		job, err := cs.BatchV1().Jobs(ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return false, err
		}
		for _, c := range job.Status.Conditions {
			if (c.Type == batchv1.JobComplete || c.Type == batchv1.JobFailed) && c.Status == corev1.ConditionTrue {
				out = jobOutcome{c.Type, c.Reason, job.Status.Succeeded, job.Status.Failed}
				return job.Status.Active == 0 && uncounted(job) == 0, nil
			}
		}
		return false, nil
	})
	return out
}

// uncounted is how many finished pods the Job has not yet added to succeeded or failed.
func uncounted(job *batchv1.Job) int {
	u := job.Status.UncountedTerminatedPods
	if u == nil {
		return 0
	}
	return len(u.Succeeded) + len(u.Failed)
}
