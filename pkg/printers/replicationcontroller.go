package printers

import (
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

func replicationControllerColumns() []metav1.TableColumnDefinition {
	spec := corev1.ReplicationControllerSpec{}.SwaggerDoc()
	status := corev1.ReplicationControllerStatus{}.SwaggerDoc()
	return append([]metav1.TableColumnDefinition{
		nameColumn(),
		col("Desired", typeInteger, spec["replicas"]),
		col("Current", typeInteger, status["replicas"]),
		col("Ready", typeInteger, status["readyReplicas"]),
		ageColumn(),
	}, templateColumns(spec["selector"])...)
}

func replicationControllerCells(rc *corev1.ReplicationController, now time.Time) []any {
	var names, images string
	if rc.Spec.Template != nil {
		names, images = containerCells(rc.Spec.Template.Spec.Containers)
	}
	return []any{
		rc.Name, replicasOrDefault(rc.Spec.Replicas), int64(rc.Status.Replicas),
		int64(rc.Status.ReadyReplicas), age(rc.CreationTimestamp, now),
		names, images, labels.FormatLabels(rc.Spec.Selector),
	}
}
