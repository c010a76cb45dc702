package printers

import (
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv1 "k8s.io/api/autoscaling/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	eventsv1 "k8s.io/api/events/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	storagev1 "k8s.io/api/storage/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// printerFor returns the printer of obj's type, or the default printer for
// types without one (including nil).
func printerFor(obj runtime.Object) printer {
	if p, ok := corePrinter(obj); ok {
		return p
	}
	if p, ok := networkingPrinter(obj); ok {
		return p
	}
	switch obj.(type) {
	case *appsv1.Deployment:
		return typed(deploymentColumns(), deploymentCells)
	case *appsv1.ReplicaSet:
		return typed(replicaSetColumns(), replicaSetCells)
	case *appsv1.StatefulSet:
		return typed(statefulSetColumns(), statefulSetCells)
	case *appsv1.DaemonSet:
		return typed(daemonSetColumns(), daemonSetCells)
	case *appsv1.ControllerRevision:
		return typed(controllerRevisionColumns(), controllerRevisionCells)
	case *batchv1.Job:
		return typed(jobColumns(), jobCells)
	case *batchv1.CronJob:
		return typed(cronJobColumns(), cronJobCells)
	case *discoveryv1.EndpointSlice:
		return typed(endpointSliceColumns(), endpointSliceCells)
	case *eventsv1.Event:
		return typed(eventColumns(), eventsV1Cells)
	case *autoscalingv1.HorizontalPodAutoscaler:
		return typed(hpaColumns(), hpaV1Cells)
	case *autoscalingv2.HorizontalPodAutoscaler:
		return typed(hpaColumns(), hpaV2Cells)
	case *coordinationv1.Lease:
		return typed(leaseColumns(), leaseCells)
	case *schedulingv1.PriorityClass:
		return typed(priorityClassColumns(), priorityClassCells)
	case *policyv1.PodDisruptionBudget:
		return typed(podDisruptionBudgetColumns(), podDisruptionBudgetCells)
	case *rbacv1.RoleBinding:
		return typed(bindingColumns("roleBinding"), roleBindingCells)
	case *rbacv1.ClusterRoleBinding:
		return typed(bindingColumns("clusterRoleBinding"), clusterRoleBindingCells)
	case *storagev1.StorageClass:
		return typed(storageClassColumns(), storageClassCells)
	}
	return defaultPrinter()
}

// corePrinter returns the printer of a core/v1 type, if it has one.
func corePrinter(obj runtime.Object) (printer, bool) {
	switch obj.(type) {
	case *corev1.Pod:
		return podPrinter(), true
	case *corev1.Node:
		return typed(nodeColumns(), nodeCells), true
	case *corev1.Namespace:
		return typed(namespaceColumns(), namespaceCells), true
	case *corev1.Service:
		return typed(serviceColumns(), serviceCells), true
	case *corev1.Endpoints:
		return typed(endpointsColumns(), endpointsCells), true
	case *corev1.ConfigMap:
		return typed(configMapColumns(), configMapCells), true
	case *corev1.Secret:
		return typed(secretColumns(), secretCells), true
	case *corev1.ServiceAccount:
		return typed(serviceAccountColumns(), serviceAccountCells), true
	case *corev1.Event:
		return typed(eventColumns(), coreEventCells), true
	case *corev1.PersistentVolume:
		return typed(persistentVolumeColumns(), persistentVolumeCells), true
	case *corev1.PersistentVolumeClaim:
		return typed(persistentVolumeClaimColumns(), persistentVolumeClaimCells), true
	case *corev1.ResourceQuota:
		return typed(resourceQuotaColumns(), resourceQuotaCells), true
	case *corev1.ReplicationController:
		return typed(replicationControllerColumns(), replicationControllerCells), true
	}
	return printer{}, false
}

// networkingPrinter returns the printer of a networking/v1 type, if it has
// one.
func networkingPrinter(obj runtime.Object) (printer, bool) {
	switch obj.(type) {
	case *networkingv1.Ingress:
		return typed(ingressColumns(), ingressCells), true
	case *networkingv1.IngressClass:
		return typed(ingressClassColumns(), ingressClassCells), true
	case *networkingv1.NetworkPolicy:
		return typed(networkPolicyColumns(), networkPolicyCells), true
	}
	return printer{}, false
}
