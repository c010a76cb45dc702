package defaults

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

func TestDefaultIsIdempotent(t *testing.T) {
	objs := map[string]runtime.Object{
		"pod":         &corev1.Pod{Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "x", LivenessProbe: &corev1.Probe{}}}, Volumes: []corev1.Volume{{Name: "v"}}}},
		"service":     &corev1.Service{Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeNodePort, Ports: []corev1.ServicePort{{Port: 80}}}},
		"deployment":  &appsv1.Deployment{Spec: appsv1.DeploymentSpec{Template: template()}},
		"statefulset": &appsv1.StatefulSet{Spec: appsv1.StatefulSetSpec{Template: template()}},
		"daemonset":   &appsv1.DaemonSet{Spec: appsv1.DaemonSetSpec{Template: template()}},
		"job":         &batchv1.Job{Spec: batchv1.JobSpec{Template: template()}},
		"cronjob":     &batchv1.CronJob{},
		"namespace":   &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "n"}},
		"secret":      &corev1.Secret{StringData: map[string]string{"a": "b"}},
		"rc":          &corev1.ReplicationController{Spec: corev1.ReplicationControllerSpec{Template: &corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"a": "b"}}}}},
		"hpa":         &autoscalingv2.HorizontalPodAutoscaler{Spec: autoscalingv2.HorizontalPodAutoscalerSpec{Behavior: &autoscalingv2.HorizontalPodAutoscalerBehavior{}}},
		"limitrange":  &corev1.LimitRange{Spec: corev1.LimitRangeSpec{Limits: []corev1.LimitRangeItem{{Type: corev1.LimitTypeContainer}}}},
	}
	for name, obj := range objs {
		t.Run(name, func(t *testing.T) {
			Default(obj)
			once := obj.DeepCopyObject()
			Default(obj)
			if diff := cmp.Diff(once, obj, quantityEqual); diff != "" {
				t.Errorf("second Default changed the object (-once +twice):\n%s", diff)
			}
		})
	}
}
