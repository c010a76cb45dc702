package defaults

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
)

func template() corev1.PodTemplateSpec {
	return corev1.PodTemplateSpec{
		ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "web"}},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "app:v1"}}},
	}
}

func defaultedTemplate() corev1.PodTemplateSpec {
	t := template()
	t.Spec = defaultedSpec(defaultedContainer("c", "app:v1", corev1.PullIfNotPresent))
	return t
}

func percent(s string) *intstr.IntOrString { v := intstr.FromString(s); return &v }
func count(i int32) *intstr.IntOrString    { v := intstr.FromInt32(i); return &v }

func TestDefaultWorkloads(t *testing.T) {
	tests := []struct {
		name string
		in   runtime.Object
		want runtime.Object
	}{{
		name: "deployment",
		in:   &appsv1.Deployment{Spec: appsv1.DeploymentSpec{Template: template()}},
		want: &appsv1.Deployment{Spec: appsv1.DeploymentSpec{
			Replicas: ptr.To(int32(1)), Template: defaultedTemplate(),
			Strategy: appsv1.DeploymentStrategy{Type: appsv1.RollingUpdateDeploymentStrategyType,
				RollingUpdate: &appsv1.RollingUpdateDeployment{MaxUnavailable: percent("25%"), MaxSurge: percent("25%")}},
			RevisionHistoryLimit: ptr.To(int32(10)), ProgressDeadlineSeconds: ptr.To(int32(600)),
		}},
	}, {
		name: "deployment recreate",
		in: &appsv1.Deployment{Spec: appsv1.DeploymentSpec{Replicas: ptr.To(int32(0)), Template: template(),
			Strategy: appsv1.DeploymentStrategy{Type: appsv1.RecreateDeploymentStrategyType}}},
		want: &appsv1.Deployment{Spec: appsv1.DeploymentSpec{
			Replicas: ptr.To(int32(0)), Template: defaultedTemplate(),
			Strategy:             appsv1.DeploymentStrategy{Type: appsv1.RecreateDeploymentStrategyType},
			RevisionHistoryLimit: ptr.To(int32(10)), ProgressDeadlineSeconds: ptr.To(int32(600)),
		}},
	}, {
		name: "replicaset",
		in:   &appsv1.ReplicaSet{Spec: appsv1.ReplicaSetSpec{Template: template()}},
		want: &appsv1.ReplicaSet{Spec: appsv1.ReplicaSetSpec{Replicas: ptr.To(int32(1)), Template: defaultedTemplate()}},
	}, {
		name: "statefulset",
		in: &appsv1.StatefulSet{Spec: appsv1.StatefulSetSpec{Template: template(),
			VolumeClaimTemplates: []corev1.PersistentVolumeClaim{{ObjectMeta: metav1.ObjectMeta{Name: "data"}}}}},
		want: &appsv1.StatefulSet{Spec: appsv1.StatefulSetSpec{
			Replicas: ptr.To(int32(1)), Template: defaultedTemplate(),
			PodManagementPolicy: appsv1.OrderedReadyPodManagement,
			UpdateStrategy: appsv1.StatefulSetUpdateStrategy{Type: appsv1.RollingUpdateStatefulSetStrategyType,
				RollingUpdate: &appsv1.RollingUpdateStatefulSetStrategy{Partition: ptr.To(int32(0))}},
			PersistentVolumeClaimRetentionPolicy: &appsv1.StatefulSetPersistentVolumeClaimRetentionPolicy{
				WhenDeleted: appsv1.RetainPersistentVolumeClaimRetentionPolicyType, WhenScaled: appsv1.RetainPersistentVolumeClaimRetentionPolicyType},
			RevisionHistoryLimit: ptr.To(int32(10)),
			VolumeClaimTemplates: []corev1.PersistentVolumeClaim{{ObjectMeta: metav1.ObjectMeta{Name: "data"},
				Spec:   corev1.PersistentVolumeClaimSpec{VolumeMode: ptr.To(corev1.PersistentVolumeFilesystem)},
				Status: corev1.PersistentVolumeClaimStatus{Phase: corev1.ClaimPending}}},
		}},
	}, {
		name: "daemonset",
		in:   &appsv1.DaemonSet{Spec: appsv1.DaemonSetSpec{Template: template()}},
		want: &appsv1.DaemonSet{Spec: appsv1.DaemonSetSpec{
			Template: defaultedTemplate(),
			UpdateStrategy: appsv1.DaemonSetUpdateStrategy{Type: appsv1.RollingUpdateDaemonSetStrategyType,
				RollingUpdate: &appsv1.RollingUpdateDaemonSet{MaxUnavailable: count(1), MaxSurge: count(0)}},
			RevisionHistoryLimit: ptr.To(int32(10)),
		}},
	}, {
		name: "job",
		in:   &batchv1.Job{Spec: batchv1.JobSpec{Template: template()}},
		want: &batchv1.Job{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "web"}}, Spec: batchv1.JobSpec{
			Template: defaultedTemplate(), Completions: ptr.To(int32(1)), Parallelism: ptr.To(int32(1)),
			BackoffLimit: ptr.To(int32(6)), CompletionMode: ptr.To(batchv1.NonIndexedCompletion), Suspend: ptr.To(false),
			PodReplacementPolicy: ptr.To(batchv1.TerminatingOrFailed),
		}},
	}, {
		name: "job with parallelism only",
		in:   &batchv1.Job{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"own": "x"}}, Spec: batchv1.JobSpec{Template: template(), Parallelism: ptr.To(int32(3))}},
		want: &batchv1.Job{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"own": "x"}}, Spec: batchv1.JobSpec{
			Template: defaultedTemplate(), Parallelism: ptr.To(int32(3)),
			BackoffLimit: ptr.To(int32(6)), CompletionMode: ptr.To(batchv1.NonIndexedCompletion), Suspend: ptr.To(false),
			PodReplacementPolicy: ptr.To(batchv1.TerminatingOrFailed),
		}},
	}, {
		name: "cronjob",
		in: &batchv1.CronJob{Spec: batchv1.CronJobSpec{Schedule: "* * * * *",
			JobTemplate: batchv1.JobTemplateSpec{Spec: batchv1.JobSpec{Template: template()}}}},
		want: &batchv1.CronJob{Spec: batchv1.CronJobSpec{Schedule: "* * * * *",
			ConcurrencyPolicy: batchv1.AllowConcurrent, Suspend: ptr.To(false),
			SuccessfulJobsHistoryLimit: ptr.To(int32(3)), FailedJobsHistoryLimit: ptr.To(int32(1)),
			JobTemplate: batchv1.JobTemplateSpec{Spec: batchv1.JobSpec{Template: defaultedTemplate()}}}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			Default(tt.in)
			if diff := cmp.Diff(tt.want, tt.in); diff != "" {
				t.Errorf("Default (-want +got):\n%s", diff)
			}
		})
	}
}

func TestJobSelector(t *testing.T) {
	tests := []struct {
		name         string
		job          batchv1.Job
		wantSelector *metav1.LabelSelector
		wantLabels   map[string]string
	}{{
		name:         "generated",
		job:          batchv1.Job{ObjectMeta: metav1.ObjectMeta{Name: "pi", UID: types.UID("u1")}},
		wantSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"batch.kubernetes.io/controller-uid": "u1"}},
		wantLabels: map[string]string{"controller-uid": "u1", "batch.kubernetes.io/controller-uid": "u1",
			"job-name": "pi", "batch.kubernetes.io/job-name": "pi"},
	}, {
		name: "user labels kept",
		job: batchv1.Job{ObjectMeta: metav1.ObjectMeta{Name: "pi", UID: types.UID("u1")},
			Spec: batchv1.JobSpec{Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"job-name": "mine"}}}}},
		wantSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"batch.kubernetes.io/controller-uid": "u1"}},
		wantLabels: map[string]string{"controller-uid": "u1", "batch.kubernetes.io/controller-uid": "u1",
			"job-name": "mine", "batch.kubernetes.io/job-name": "pi"},
	}, {
		name: "manual selector untouched",
		job: batchv1.Job{ObjectMeta: metav1.ObjectMeta{Name: "pi", UID: types.UID("u1")},
			Spec: batchv1.JobSpec{ManualSelector: ptr.To(true), Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"a": "b"}}}},
		wantSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"a": "b"}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			JobSelector(&tt.job)
			if diff := cmp.Diff(tt.wantSelector, tt.job.Spec.Selector); diff != "" {
				t.Errorf("selector (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantLabels, tt.job.Spec.Template.Labels); diff != "" {
				t.Errorf("template labels (-want +got):\n%s", diff)
			}
		})
	}
}
