package convert

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	autoscalingv1 "k8s.io/api/autoscaling/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/utils/ptr"
)

func TestHPARoundTripV2(t *testing.T) {
	noCPU := fullV2()
	noCPU.Annotations = nil
	noCPU.Spec.Metrics = otherMetrics()
	noCPU.Status.CurrentMetrics = currentMetrics()[1:]

	cpuTwice := fullV2()
	cpuTwice.Spec.Behavior = &autoscalingv2.HorizontalPodAutoscalerBehavior{ScaleDown: behavior().ScaleDown}
	cpuTwice.Spec.Metrics = []autoscalingv2.MetricSpec{
		{Type: autoscalingv2.ResourceMetricSourceType, Resource: &autoscalingv2.ResourceMetricSource{
			Name: corev1.ResourceCPU, Target: autoscalingv2.MetricTarget{Type: autoscalingv2.AverageValueMetricType, AverageValue: q("500m")},
		}},
		memoryMetric(),
		cpuUtilizationTarget(50),
	}

	tests := []struct {
		name string
		in   *autoscalingv2.HorizontalPodAutoscaler
	}{
		{"every metric kind, behavior and status", fullV2()},
		{"no CPU utilization target, nil annotations", noCPU},
		{"CPU average value plus CPU utilization", cpuTwice},
		{"minimal", &autoscalingv2.HorizontalPodAutoscaler{
			TypeMeta: v2TypeMeta(),
			Spec:     autoscalingv2.HorizontalPodAutoscalerSpec{MaxReplicas: 1, Metrics: []autoscalingv2.MetricSpec{cpuUtilizationTarget(80)}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v1, err := HPAv2ToV1(tt.in)
			if err != nil {
				t.Fatalf("HPAv2ToV1: %v", err)
			}
			got, err := HPAv1ToV2(v1)
			if err != nil {
				t.Fatalf("HPAv1ToV2: %v", err)
			}
			if diff := cmp.Diff(tt.in, got); diff != "" {
				t.Errorf("v2 -> v1 -> v2 (-original +round trip):\n%s", diff)
			}
		})
	}
}

func TestHPARoundTripV1(t *testing.T) {
	fromFull, err := HPAv2ToV1(fullV2())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		in   *autoscalingv1.HorizontalPodAutoscaler
	}{
		{"with round-trip annotations", fromFull},
		{"plain v1", &autoscalingv1.HorizontalPodAutoscaler{
			TypeMeta:   v1TypeMeta(),
			ObjectMeta: hpaMeta(),
			Spec: autoscalingv1.HorizontalPodAutoscalerSpec{
				ScaleTargetRef: v1Ref(), MinReplicas: ptr.To[int32](1), MaxReplicas: 4, TargetCPUUtilizationPercentage: ptr.To[int32](60),
			},
			Status: autoscalingv1.HorizontalPodAutoscalerStatus{
				ObservedGeneration: ptr.To[int64](2), LastScaleTime: ptr.To(testTime()),
				CurrentReplicas: 2, DesiredReplicas: 3, CurrentCPUUtilizationPercentage: ptr.To[int32](90),
			},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v2, err := HPAv1ToV2(tt.in)
			if err != nil {
				t.Fatalf("HPAv1ToV2: %v", err)
			}
			got, err := HPAv2ToV1(v2)
			if err != nil {
				t.Fatalf("HPAv2ToV1: %v", err)
			}
			if diff := cmp.Diff(tt.in, got); diff != "" {
				t.Errorf("v1 -> v2 -> v1 (-original +round trip):\n%s", diff)
			}
		})
	}
}

func TestHPAConversionSharesNothing(t *testing.T) {
	in := fullV2()
	orig := in.DeepCopy()
	v1, err := HPAv2ToV1(in)
	if err != nil {
		t.Fatal(err)
	}
	v1.Annotations["owner"] = "changed"
	*v1.Spec.MinReplicas = 99
	v1.Status.LastScaleTime.Time = v1.Status.LastScaleTime.AddDate(1, 0, 0)
	if diff := cmp.Diff(orig, in); diff != "" {
		t.Errorf("v2 input changed through the v1 output (-before +after):\n%s", diff)
	}

	v1In := v1.DeepCopy()
	v2, err := HPAv1ToV2(v1)
	if err != nil {
		t.Fatal(err)
	}
	v2.Labels["app"] = "changed"
	*v2.Spec.MinReplicas = 7
	if diff := cmp.Diff(v1In, v1); diff != "" {
		t.Errorf("v1 input changed through the v2 output (-before +after):\n%s", diff)
	}
}

func TestHPANilInput(t *testing.T) {
	if _, err := HPAv2ToV1(nil); err == nil {
		t.Error("HPAv2ToV1(nil): want error")
	}
	if _, err := HPAv1ToV2(nil); err == nil {
		t.Error("HPAv1ToV2(nil): want error")
	}
}
