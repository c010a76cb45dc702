package convert

import (
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
)

// cpuUtilizationTarget is the v2 metric that v1's
// targetCPUUtilizationPercentage stands for.
func cpuUtilizationTarget(percent int32) autoscalingv2.MetricSpec {
	return autoscalingv2.MetricSpec{
		Type: autoscalingv2.ResourceMetricSourceType,
		Resource: &autoscalingv2.ResourceMetricSource{
			Name: corev1.ResourceCPU,
			Target: autoscalingv2.MetricTarget{
				Type:               autoscalingv2.UtilizationMetricType,
				AverageUtilization: &percent,
			},
		},
	}
}

// cpuUtilizationStatus is the v2 current metric that v1's
// currentCPUUtilizationPercentage stands for.
func cpuUtilizationStatus(percent int32) autoscalingv2.MetricStatus {
	return autoscalingv2.MetricStatus{
		Type: autoscalingv2.ResourceMetricSourceType,
		Resource: &autoscalingv2.ResourceMetricStatus{
			Name:    corev1.ResourceCPU,
			Current: autoscalingv2.MetricValueStatus{AverageUtilization: &percent},
		},
	}
}

// cpuTargetIndex returns the index of the first metric that
// targetCPUUtilizationPercentage can carry without loss, or -1. Unlike
// upstream, which moves every CPU utilization metric into that one field, a
// metric with anything more than the percentage stays in the annotation.
func cpuTargetIndex(metrics []autoscalingv2.MetricSpec) int {
	for i, m := range metrics {
		if m.Resource == nil || m.Resource.Target.AverageUtilization == nil {
			continue
		}
		if equality.Semantic.DeepEqual(m, cpuUtilizationTarget(*m.Resource.Target.AverageUtilization)) {
			return i
		}
	}
	return -1
}

// currentCPUUtilization returns the first current CPU utilization, or nil.
func currentCPUUtilization(metrics []autoscalingv2.MetricStatus) *int32 {
	for _, m := range metrics {
		if m.Type == autoscalingv2.ResourceMetricSourceType && m.Resource != nil &&
			m.Resource.Name == corev1.ResourceCPU && m.Resource.Current.AverageUtilization != nil {
			return m.Resource.Current.AverageUtilization
		}
	}
	return nil
}

// onlyCPUUtilization reports whether metrics say no more than v1's
// currentCPUUtilizationPercentage can.
func onlyCPUUtilization(metrics []autoscalingv2.MetricStatus) bool {
	if len(metrics) != 1 {
		return false
	}
	cpu := currentCPUUtilization(metrics)
	return cpu != nil && equality.Semantic.DeepEqual(metrics[0], cpuUtilizationStatus(*cpu))
}
