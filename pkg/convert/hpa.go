package convert

import (
	"errors"
	"fmt"

	autoscalingv1 "k8s.io/api/autoscaling/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// hpaKind is the kind of both HorizontalPodAutoscaler versions.
const hpaKind = "HorizontalPodAutoscaler"

// defaultCPUUtilization is the CPU target a v1 HPA without one implies, as
// upstream applies it when converting to v2.
const defaultCPUUtilization = 80

// HPAv2ToV1 converts a stored autoscaling/v2 HorizontalPodAutoscaler to
// autoscaling/v1, as upstream does. The first metric that is exactly a CPU
// utilization target becomes spec.targetCPUUtilizationPercentage; the other
// metrics, the behavior, the current metrics (unless they are just what
// currentCPUUtilizationPercentage says) and the conditions are written to the
// round-trip annotations (MetricsAnnotation and friends), replacing any the
// input carried. status.currentCPUUtilizationPercentage is the first
// CPU utilization among current metrics. The output has TypeMeta set, shares
// nothing with in, and the error is non-nil only for a nil input or an
// encoding failure.
func HPAv2ToV1(in *autoscalingv2.HorizontalPodAutoscaler) (*autoscalingv1.HorizontalPodAutoscaler, error) {
	if in == nil {
		return nil, errors.New("convert HorizontalPodAutoscaler to autoscaling/v1: nil object")
	}
	in = in.DeepCopy()
	cpu := cpuTargetIndex(in.Spec.Metrics)
	out := &autoscalingv1.HorizontalPodAutoscaler{
		TypeMeta:   metav1.TypeMeta{APIVersion: autoscalingv1.SchemeGroupVersion.String(), Kind: hpaKind},
		ObjectMeta: in.ObjectMeta,
		Spec:       specToV1(in.Spec, cpu),
		Status:     statusToV1(in.Status),
	}
	out.Annotations = withoutRoundTrip(in.Annotations)
	if err := extrasOf(in, cpu).annotate(&out.Annotations); err != nil {
		return nil, fmt.Errorf("convert HorizontalPodAutoscaler %s/%s to autoscaling/v1: %w", in.Namespace, in.Name, err)
	}
	return out, nil
}

// HPAv1ToV2 converts an autoscaling/v1 HorizontalPodAutoscaler to the stored
// autoscaling/v2 form, as upstream does. Metrics are those of
// MetricsAnnotation followed by the CPU utilization target; with neither, a
// CPU utilization target of 80% is implied. Behavior, current metrics and
// conditions come from their annotations when present (current metrics fall
// back to currentCPUUtilizationPercentage); malformed annotations are
// ignored. The round-trip annotations are removed from the output, which has
// TypeMeta set and shares nothing with in. The error is non-nil only for a
// nil input.
func HPAv1ToV2(in *autoscalingv1.HorizontalPodAutoscaler) (*autoscalingv2.HorizontalPodAutoscaler, error) {
	if in == nil {
		return nil, errors.New("convert HorizontalPodAutoscaler to autoscaling/v2: nil object")
	}
	in = in.DeepCopy()
	x, hasCurrentMetrics := readExtras(in.Annotations)
	out := &autoscalingv2.HorizontalPodAutoscaler{
		TypeMeta:   metav1.TypeMeta{APIVersion: autoscalingv2.SchemeGroupVersion.String(), Kind: hpaKind},
		ObjectMeta: in.ObjectMeta,
		Spec:       specToV2(in.Spec, x),
		Status:     statusToV2(in.Status, x, hasCurrentMetrics),
	}
	out.Annotations = withoutRoundTrip(in.Annotations)
	return out, nil
}

// extrasOf collects what v1 cannot hold; cpu is the metric index that
// targetCPUUtilizationPercentage already carries (-1 for none).
func extrasOf(in *autoscalingv2.HorizontalPodAutoscaler, cpu int) v2Extras {
	x := v2Extras{behavior: in.Spec.Behavior}
	for i, m := range in.Spec.Metrics {
		if i != cpu {
			x.otherMetrics = append(x.otherMetrics, metricSpecToV1(m))
		}
	}
	if !onlyCPUUtilization(in.Status.CurrentMetrics) {
		for _, m := range in.Status.CurrentMetrics {
			x.currentMetrics = append(x.currentMetrics, metricStatusToV1(m))
		}
	}
	for _, c := range in.Status.Conditions {
		x.conditions = append(x.conditions, conditionToV1(c))
	}
	return x
}

// specToV1 converts the fields v1 has; cpu indexes the CPU target or is -1.
func specToV1(in autoscalingv2.HorizontalPodAutoscalerSpec, cpu int) autoscalingv1.HorizontalPodAutoscalerSpec {
	out := autoscalingv1.HorizontalPodAutoscalerSpec{
		ScaleTargetRef: autoscalingv1.CrossVersionObjectReference(in.ScaleTargetRef),
		MinReplicas:    in.MinReplicas,
		MaxReplicas:    in.MaxReplicas,
	}
	if cpu >= 0 {
		out.TargetCPUUtilizationPercentage = in.Metrics[cpu].Resource.Target.AverageUtilization
	}
	return out
}

// specToV2 rebuilds the v2 spec from v1 fields and decoded annotations.
func specToV2(in autoscalingv1.HorizontalPodAutoscalerSpec, x v2Extras) autoscalingv2.HorizontalPodAutoscalerSpec {
	out := autoscalingv2.HorizontalPodAutoscalerSpec{
		ScaleTargetRef: autoscalingv2.CrossVersionObjectReference(in.ScaleTargetRef),
		MinReplicas:    in.MinReplicas,
		MaxReplicas:    in.MaxReplicas,
		Behavior:       x.behavior,
	}
	for _, m := range x.otherMetrics {
		out.Metrics = append(out.Metrics, metricSpecToV2(m))
	}
	if in.TargetCPUUtilizationPercentage != nil {
		out.Metrics = append(out.Metrics, cpuUtilizationTarget(*in.TargetCPUUtilizationPercentage))
	}
	if len(out.Metrics) == 0 {
		out.Metrics = []autoscalingv2.MetricSpec{cpuUtilizationTarget(defaultCPUUtilization)}
	}
	return out
}

// statusToV1 converts the fields v1 has.
func statusToV1(in autoscalingv2.HorizontalPodAutoscalerStatus) autoscalingv1.HorizontalPodAutoscalerStatus {
	return autoscalingv1.HorizontalPodAutoscalerStatus{
		ObservedGeneration:              in.ObservedGeneration,
		LastScaleTime:                   in.LastScaleTime,
		CurrentReplicas:                 in.CurrentReplicas,
		DesiredReplicas:                 in.DesiredReplicas,
		CurrentCPUUtilizationPercentage: currentCPUUtilization(in.CurrentMetrics),
	}
}

// statusToV2 rebuilds the v2 status from v1 fields and decoded annotations.
func statusToV2(in autoscalingv1.HorizontalPodAutoscalerStatus, x v2Extras, hasCurrentMetrics bool) autoscalingv2.HorizontalPodAutoscalerStatus {
	out := autoscalingv2.HorizontalPodAutoscalerStatus{
		ObservedGeneration: in.ObservedGeneration,
		LastScaleTime:      in.LastScaleTime,
		CurrentReplicas:    in.CurrentReplicas,
		DesiredReplicas:    in.DesiredReplicas,
	}
	switch {
	case hasCurrentMetrics:
		for _, m := range x.currentMetrics {
			out.CurrentMetrics = append(out.CurrentMetrics, metricStatusToV2(m))
		}
	case in.CurrentCPUUtilizationPercentage != nil:
		out.CurrentMetrics = []autoscalingv2.MetricStatus{cpuUtilizationStatus(*in.CurrentCPUUtilizationPercentage)}
	}
	for _, c := range x.conditions {
		out.Conditions = append(out.Conditions, conditionToV2(c))
	}
	return out
}
