package printers

import (
	"fmt"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

func deploymentColumns() []metav1.TableColumnDefinition {
	status := appsv1.DeploymentStatus{}.SwaggerDoc()
	return append([]metav1.TableColumnDefinition{
		nameColumn(),
		col("Ready", typeString, "Number of the pod with ready state"),
		col("Up-to-date", typeString, status["updatedReplicas"]),
		col("Available", typeString, status["availableReplicas"]),
		ageColumn(),
	}, templateColumns(appsv1.DeploymentSpec{}.SwaggerDoc()["selector"])...)
}

// deploymentCells shows READY as ready/desired; the selector is printed in
// requirement form ("<invalid>" when it does not parse).
func deploymentCells(d *appsv1.Deployment, now time.Time) []any {
	selector := "<invalid>"
	if s, err := metav1.LabelSelectorAsSelector(d.Spec.Selector); err == nil {
		selector = s.String()
	}
	names, images := containerCells(d.Spec.Template.Spec.Containers)
	return []any{
		d.Name,
		fmt.Sprintf("%d/%d", d.Status.ReadyReplicas, replicasOrDefault(d.Spec.Replicas)),
		int64(d.Status.UpdatedReplicas), int64(d.Status.AvailableReplicas),
		age(d.CreationTimestamp, now), names, images, selector,
	}
}

func replicaSetColumns() []metav1.TableColumnDefinition {
	status := appsv1.ReplicaSetStatus{}.SwaggerDoc()
	return append([]metav1.TableColumnDefinition{
		nameColumn(),
		col("Desired", typeInteger, appsv1.ReplicaSetSpec{}.SwaggerDoc()["replicas"]),
		col("Current", typeInteger, status["replicas"]),
		col("Ready", typeInteger, status["readyReplicas"]),
		ageColumn(),
	}, templateColumns(appsv1.ReplicaSetSpec{}.SwaggerDoc()["selector"])...)
}

func replicaSetCells(rs *appsv1.ReplicaSet, now time.Time) []any {
	return append([]any{
		rs.Name, replicasOrDefault(rs.Spec.Replicas), int64(rs.Status.Replicas),
		int64(rs.Status.ReadyReplicas), age(rs.CreationTimestamp, now),
	}, templateCells(rs.Spec.Template.Spec, rs.Spec.Selector)...)
}

func statefulSetColumns() []metav1.TableColumnDefinition {
	return append([]metav1.TableColumnDefinition{
		nameColumn(),
		col("Ready", typeString, "Number of the pod with ready state"),
		ageColumn(),
	}, containerColumns()...)
}

func statefulSetCells(ss *appsv1.StatefulSet, now time.Time) []any {
	names, images := containerCells(ss.Spec.Template.Spec.Containers)
	return []any{
		ss.Name,
		fmt.Sprintf("%d/%d", ss.Status.ReadyReplicas, replicasOrDefault(ss.Spec.Replicas)),
		age(ss.CreationTimestamp, now), names, images,
	}
}

func daemonSetColumns() []metav1.TableColumnDefinition {
	status := appsv1.DaemonSetStatus{}.SwaggerDoc()
	return append([]metav1.TableColumnDefinition{
		nameColumn(),
		col("Desired", typeInteger, status["desiredNumberScheduled"]),
		col("Current", typeInteger, status["currentNumberScheduled"]),
		col("Ready", typeInteger, status["numberReady"]),
		col("Up-to-date", typeInteger, status["updatedNumberScheduled"]),
		col("Available", typeInteger, status["numberAvailable"]),
		col("Node Selector", typeString, corev1.PodSpec{}.SwaggerDoc()["nodeSelector"]),
		ageColumn(),
	}, templateColumns(appsv1.DaemonSetSpec{}.SwaggerDoc()["selector"])...)
}

func daemonSetCells(ds *appsv1.DaemonSet, now time.Time) []any {
	st := ds.Status
	return append([]any{
		ds.Name, int64(st.DesiredNumberScheduled), int64(st.CurrentNumberScheduled),
		int64(st.NumberReady), int64(st.UpdatedNumberScheduled), int64(st.NumberAvailable),
		labels.FormatLabels(ds.Spec.Template.Spec.NodeSelector), age(ds.CreationTimestamp, now),
	}, templateCells(ds.Spec.Template.Spec, ds.Spec.Selector)...)
}

func controllerRevisionColumns() []metav1.TableColumnDefinition {
	return []metav1.TableColumnDefinition{
		nameColumn(),
		col("Controller", typeString, "Controller of the object"),
		col("Revision", typeString, appsv1.ControllerRevision{}.SwaggerDoc()["revision"]),
		ageColumn(),
	}
}

func controllerRevisionCells(cr *appsv1.ControllerRevision, now time.Time) []any {
	return []any{cr.Name, controllerName(cr), cr.Revision, age(cr.CreationTimestamp, now)}
}

// controllerName is the owning controller as "kind.group/name" in lower
// case (e.g. "statefulset.apps/web"), or <none>.
func controllerName(obj metav1.Object) string {
	ref := metav1.GetControllerOf(obj)
	if ref == nil {
		return none
	}
	gv, err := schema.ParseGroupVersion(ref.APIVersion)
	if err != nil {
		return ref.Name
	}
	return strings.ToLower(gv.WithKind(ref.Kind).GroupKind().String()) + "/" + ref.Name
}
