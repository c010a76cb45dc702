package defaults

import (
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv1 "k8s.io/api/autoscaling/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	storagev1 "k8s.io/api/storage/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// Default fills the unset fields of obj in place with the values upstream's
// defaulting sets for that type and version. Objects of types it does not
// know are left alone. Default is idempotent: applying it twice gives the
// same object as applying it once. It does not block and keeps no reference
// to obj.
func Default(obj runtime.Object) {
	switch o := obj.(type) {
	case *corev1.Pod:
		pod(o)
	case *corev1.PodTemplate:
		podTemplateSpec(&o.Template)
	case *corev1.ReplicationController:
		replicationController(o)
	case *corev1.Service:
		service(o)
	default:
		defaultOther(obj)
	}
}

// defaultOther covers the types whose defaults are a few fields each.
func defaultOther(obj runtime.Object) {
	switch o := obj.(type) {
	case *appsv1.Deployment:
		deployment(o)
	case *appsv1.ReplicaSet:
		replicaSet(o)
	case *appsv1.StatefulSet:
		statefulSet(o)
	case *appsv1.DaemonSet:
		daemonSet(o)
	case *batchv1.Job:
		job(o)
	case *batchv1.CronJob:
		cronJob(o)
	default:
		defaultCore(obj)
	}
}

func defaultCore(obj runtime.Object) {
	switch o := obj.(type) {
	case *corev1.Namespace:
		namespace(o)
	case *corev1.Secret:
		secret(o)
	case *corev1.ConfigMap:
		configMap(o)
	case *corev1.Node:
		node(o)
	case *corev1.Endpoints:
		endpoints(o)
	case *corev1.PersistentVolumeClaim:
		persistentVolumeClaim(o)
	case *corev1.PersistentVolume:
		persistentVolume(o)
	case *corev1.LimitRange:
		limitRange(o)
	default:
		defaultCluster(obj)
	}
}

func defaultCluster(obj runtime.Object) {
	switch o := obj.(type) {
	case *autoscalingv1.HorizontalPodAutoscaler:
		hpaV1(o)
	case *autoscalingv2.HorizontalPodAutoscaler:
		hpaV2(o)
	case *schedulingv1.PriorityClass:
		priorityClass(o)
	case *discoveryv1.EndpointSlice:
		endpointSlice(o)
	case *networkingv1.NetworkPolicy:
		networkPolicy(o)
	case *rbacv1.RoleBinding:
		subjects(o.Subjects)
	case *rbacv1.ClusterRoleBinding:
		subjects(o.Subjects)
	case *storagev1.StorageClass:
		storageClass(o)
	}
}
