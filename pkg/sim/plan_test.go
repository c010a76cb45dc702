package sim

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestPlanPod(t *testing.T) {
	running := func(policy corev1.RestartPolicy, ann map[string]string) *corev1.Pod {
		p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Annotations: ann}, Spec: corev1.PodSpec{RestartPolicy: policy, Containers: []corev1.Container{{Name: "c"}}}}
		p.Status = runningStatus(p, "10.64.0.1", "10.128.0.2", t0)
		return p
	}
	deleting := func(grace int64, requested time.Time) *corev1.Pod {
		p := running(corev1.RestartPolicyAlways, nil)
		p.DeletionGracePeriodSeconds = &grace
		p.DeletionTimestamp = &metav1.Time{Time: requested.Add(time.Duration(grace) * time.Second)}
		return p
	}
	exit := func(after, code string) map[string]string {
		m := map[string]string{AnnotationExitAfter: after}
		if code != "" {
			m[AnnotationExitCode] = code
		}
		return m
	}
	cases := []struct {
		name      string
		pod       *corev1.Pod
		now       time.Time
		termDelay time.Duration
		want      plan
		wantErr   bool
	}{
		{"pending starts", &corev1.Pod{Status: corev1.PodStatus{Phase: corev1.PodPending}}, t0, 0, plan{act: actStart}, false},
		{"running stays", running(corev1.RestartPolicyAlways, nil), t0, 0, plan{act: actNone}, false},
		{"always ignores exit-after", running(corev1.RestartPolicyAlways, exit("1s", "")), t0.Add(time.Hour), 0, plan{act: actNone}, false},
		{"exit pending", running(corev1.RestartPolicyNever, exit("10s", "")), t0.Add(4 * time.Second), 0, plan{act: actWait, after: 6 * time.Second}, false},
		{"exit due", running(corev1.RestartPolicyNever, exit("10s", "")), t0.Add(10 * time.Second), 0, plan{act: actFinish}, false},
		{"exit code never", running(corev1.RestartPolicyNever, exit("0s", "7")), t0, 0, plan{act: actFinish, exitCode: 7}, false},
		{"exit code onfailure restarts", running(corev1.RestartPolicyOnFailure, exit("0s", "7")), t0, 0, plan{act: actRestart, exitCode: 7}, false},
		{"exit zero onfailure finishes", running(corev1.RestartPolicyOnFailure, exit("0s", "")), t0, 0, plan{act: actFinish}, false},
		{"bad duration", running(corev1.RestartPolicyNever, exit("soon", "")), t0, 0, plan{act: actNone}, true},
		{"bad code", running(corev1.RestartPolicyNever, exit("1s", "x")), t0, 0, plan{act: actNone}, true},
		{"finished stays", &corev1.Pod{Status: corev1.PodStatus{Phase: corev1.PodSucceeded}}, t0, 0, plan{act: actNone}, false},
		{"delete at once", deleting(30, t0), t0, 0, plan{act: actDelete}, false},
		{"delete after delay", deleting(30, t0), t0.Add(2 * time.Second), 5 * time.Second, plan{act: actWait, after: 3 * time.Second}, false},
		{"grace caps delay", deleting(2, t0), t0.Add(2 * time.Second), 5 * time.Second, plan{act: actDelete}, false},
		{"zero grace", deleting(0, t0), t0, time.Minute, plan{act: actDelete}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := planPod(tc.pod, tc.now, tc.termDelay)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tc.wantErr)
			}
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(plan{})); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
