package printers

import (
	"fmt"
	"strings"
	"time"

	autoscalingv1 "k8s.io/api/autoscaling/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// maxMetrics is how many metrics TARGETS lists before "+ N more...".
const maxMetrics = 2

func hpaColumns() []metav1.TableColumnDefinition {
	spec := autoscalingv2.HorizontalPodAutoscalerSpec{}.SwaggerDoc()
	return []metav1.TableColumnDefinition{
		nameColumn(),
		col("Reference", typeString, spec["scaleTargetRef"]),
		col("Targets", typeString, spec["metrics"]),
		col("MinPods", typeString, spec["minReplicas"]),
		col("MaxPods", typeString, spec["maxReplicas"]),
		col("Replicas", typeString, autoscalingv2.HorizontalPodAutoscalerStatus{}.SwaggerDoc()["currentReplicas"]),
		ageColumn(),
	}
}

func hpaV2Cells(h *autoscalingv2.HorizontalPodAutoscaler, now time.Time) []any {
	ref := h.Spec.ScaleTargetRef
	return hpaCells(h.ObjectMeta, ref.Kind+"/"+ref.Name, formatMetrics(h.Spec.Metrics, h.Status.CurrentMetrics),
		h.Spec.MinReplicas, h.Spec.MaxReplicas, h.Status.CurrentReplicas, now)
}

// hpaV1Cells prints an autoscaling/v1 HPA as its v2 form: a CPU
// utilization target becomes a cpu resource metric.
func hpaV1Cells(h *autoscalingv1.HorizontalPodAutoscaler, now time.Time) []any {
	var specs []autoscalingv2.MetricSpec
	var statuses []autoscalingv2.MetricStatus
	if t := h.Spec.TargetCPUUtilizationPercentage; t != nil {
		specs = []autoscalingv2.MetricSpec{{Type: autoscalingv2.ResourceMetricSourceType, Resource: &autoscalingv2.ResourceMetricSource{
			Name: corev1.ResourceCPU, Target: autoscalingv2.MetricTarget{Type: autoscalingv2.UtilizationMetricType, AverageUtilization: t},
		}}}
	}
	if c := h.Status.CurrentCPUUtilizationPercentage; c != nil {
		statuses = []autoscalingv2.MetricStatus{{Type: autoscalingv2.ResourceMetricSourceType, Resource: &autoscalingv2.ResourceMetricStatus{
			Name: corev1.ResourceCPU, Current: autoscalingv2.MetricValueStatus{AverageUtilization: c},
		}}}
	}
	ref := h.Spec.ScaleTargetRef
	return hpaCells(h.ObjectMeta, ref.Kind+"/"+ref.Name, formatMetrics(specs, statuses),
		h.Spec.MinReplicas, h.Spec.MaxReplicas, h.Status.CurrentReplicas, now)
}

func hpaCells(m metav1.ObjectMeta, ref, targets string, minReplicas *int32, maxReplicas, current int32, now time.Time) []any {
	minPods := "<unset>"
	if minReplicas != nil {
		minPods = fmt.Sprintf("%d", *minReplicas)
	}
	return []any{m.Name, ref, targets, minPods, int64(maxReplicas), int64(current), age(m.CreationTimestamp, now)}
}

// formatMetrics renders "current/target" for the first metrics, e.g.
// "cpu: 45%/80%, memory: <unknown>/200Mi + 1 more...", or <none>.
func formatMetrics(specs []autoscalingv2.MetricSpec, statuses []autoscalingv2.MetricStatus) string {
	if len(specs) == 0 {
		return none
	}
	var list []string
	for i, spec := range specs {
		if len(list) == maxMetrics {
			break
		}
		var status *autoscalingv2.MetricStatus
		if i < len(statuses) {
			status = &statuses[i]
		}
		list = append(list, formatMetric(spec, status))
	}
	s := strings.Join(list, ", ")
	if len(specs) > maxMetrics {
		s += fmt.Sprintf(" + %d more...", len(specs)-maxMetrics)
	}
	return s
}
