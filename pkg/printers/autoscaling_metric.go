package printers

import (
	"fmt"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	"k8s.io/apimachinery/pkg/api/resource"
)

// unknown is what TARGETS shows for a metric not measured yet.
const unknown = "<unknown>"

// formatMetric renders one metric; status is nil when not measured.
func formatMetric(spec autoscalingv2.MetricSpec, status *autoscalingv2.MetricStatus) string {
	switch spec.Type {
	case autoscalingv2.ExternalMetricSourceType:
		if spec.External == nil {
			break
		}
		var cur *autoscalingv2.MetricValueStatus
		if status != nil && status.External != nil {
			cur = &status.External.Current
		}
		return valueMetric(spec.External.Target, cur)
	case autoscalingv2.ObjectMetricSourceType:
		if spec.Object == nil {
			break
		}
		var cur *autoscalingv2.MetricValueStatus
		if status != nil && status.Object != nil {
			cur = &status.Object.Current
		}
		return valueMetric(spec.Object.Target, cur)
	case autoscalingv2.PodsMetricSourceType:
		if spec.Pods == nil {
			break
		}
		current := unknown
		if status != nil && status.Pods != nil {
			current = status.Pods.Current.AverageValue.String()
		}
		return current + "/" + spec.Pods.Target.AverageValue.String()
	case autoscalingv2.ResourceMetricSourceType:
		if spec.Resource == nil {
			break
		}
		var cur *autoscalingv2.MetricValueStatus
		if status != nil && status.Resource != nil {
			cur = &status.Resource.Current
		}
		return string(spec.Resource.Name) + ": " + resourceMetric(spec.Resource.Target, cur)
	case autoscalingv2.ContainerResourceMetricSourceType:
		if spec.ContainerResource == nil {
			break
		}
		var cur *autoscalingv2.MetricValueStatus
		if status != nil && status.ContainerResource != nil {
			cur = &status.ContainerResource.Current
		}
		return string(spec.ContainerResource.Name) + ": " + resourceMetric(spec.ContainerResource.Target, cur)
	}
	return "<unknown type>"
}

// valueMetric formats an object or external metric: "cur/target (avg)"
// for an average value target, "cur/target" for a value target.
func valueMetric(target autoscalingv2.MetricTarget, cur *autoscalingv2.MetricValueStatus) string {
	if target.AverageValue != nil {
		current := unknown
		if cur != nil && cur.AverageValue != nil {
			current = cur.AverageValue.String()
		}
		return fmt.Sprintf("%s/%s (avg)", current, target.AverageValue.String())
	}
	current := unknown
	if cur != nil {
		current = cur.Value.String()
	}
	return current + "/" + target.Value.String()
}

// resourceMetric formats a (container) resource metric: an average value
// "cur/target", or a utilization "cur%/target%" ("<auto>" without target).
func resourceMetric(target autoscalingv2.MetricTarget, cur *autoscalingv2.MetricValueStatus) string {
	if target.AverageValue != nil {
		current := unknown
		if cur != nil {
			current = quantityString(cur.AverageValue)
		}
		return current + "/" + target.AverageValue.String()
	}
	current := unknown
	if cur != nil && cur.AverageUtilization != nil {
		current = fmt.Sprintf("%d%%", *cur.AverageUtilization)
	}
	goal := "<auto>"
	if target.AverageUtilization != nil {
		goal = fmt.Sprintf("%d%%", *target.AverageUtilization)
	}
	return current + "/" + goal
}

// quantityString formats an optional quantity, "<unknown>" when absent.
func quantityString(q *resource.Quantity) string {
	if q == nil {
		return unknown
	}
	return q.String()
}
