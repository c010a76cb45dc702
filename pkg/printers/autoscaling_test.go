package printers

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	autoscalingv1 "k8s.io/api/autoscaling/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/runtime"
)

func TestHPAV1Cells(t *testing.T) {
	ref := autoscalingv1.CrossVersionObjectReference{Kind: "Deployment", Name: "web", APIVersion: "apps/v1"}
	measured := &autoscalingv1.HorizontalPodAutoscaler{
		ObjectMeta: objMeta("web", time.Hour),
		Spec:       autoscalingv1.HorizontalPodAutoscalerSpec{ScaleTargetRef: ref, MinReplicas: ptr(int32(2)), MaxReplicas: 10, TargetCPUUtilizationPercentage: ptr(int32(80))},
		Status:     autoscalingv1.HorizontalPodAutoscalerStatus{CurrentReplicas: 3, CurrentCPUUtilizationPercentage: ptr(int32(45))},
	}
	fresh := &autoscalingv1.HorizontalPodAutoscaler{
		ObjectMeta: objMeta("web", time.Hour),
		Spec:       autoscalingv1.HorizontalPodAutoscalerSpec{ScaleTargetRef: ref, MaxReplicas: 5, TargetCPUUtilizationPercentage: ptr(int32(50))},
	}
	noTarget := &autoscalingv1.HorizontalPodAutoscaler{
		ObjectMeta: objMeta("web", time.Hour),
		Spec:       autoscalingv1.HorizontalPodAutoscalerSpec{ScaleTargetRef: ref, MaxReplicas: 5},
	}
	tests := []struct {
		name string
		obj  runtime.Object
		want []any
	}{
		{"measured", measured, []any{"web", "Deployment/web", "cpu: 45%/80%", "2", int64(10), int64(3), "60m"}},
		{"not measured yet", fresh, []any{"web", "Deployment/web", "cpu: <unknown>/50%", "<unset>", int64(5), int64(0), "60m"}},
		{"no target", noTarget, []any{"web", "Deployment/web", "<none>", "<unset>", int64(5), int64(0), "60m"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, rowCells(t, tc.obj)); diff != "" {
				t.Errorf("cells (-want +got):\n%s", diff)
			}
		})
	}
}

func TestHPAV2Targets(t *testing.T) {
	q := func(s string) *resource.Quantity { v := resource.MustParse(s); return &v }
	cpuUtil := autoscalingv2.MetricSpec{Type: autoscalingv2.ResourceMetricSourceType, Resource: &autoscalingv2.ResourceMetricSource{
		Name: corev1.ResourceCPU, Target: autoscalingv2.MetricTarget{Type: autoscalingv2.UtilizationMetricType, AverageUtilization: ptr(int32(70))}}}
	cpuUtilStatus := autoscalingv2.MetricStatus{Type: autoscalingv2.ResourceMetricSourceType, Resource: &autoscalingv2.ResourceMetricStatus{
		Name: corev1.ResourceCPU, Current: autoscalingv2.MetricValueStatus{AverageUtilization: ptr(int32(35)), AverageValue: q("120m")}}}
	memValue := autoscalingv2.MetricSpec{Type: autoscalingv2.ResourceMetricSourceType, Resource: &autoscalingv2.ResourceMetricSource{
		Name: corev1.ResourceMemory, Target: autoscalingv2.MetricTarget{Type: autoscalingv2.AverageValueMetricType, AverageValue: q("200Mi")}}}
	memStatus := autoscalingv2.MetricStatus{Type: autoscalingv2.ResourceMetricSourceType, Resource: &autoscalingv2.ResourceMetricStatus{
		Name: corev1.ResourceMemory, Current: autoscalingv2.MetricValueStatus{AverageValue: q("150Mi")}}}
	pods := autoscalingv2.MetricSpec{Type: autoscalingv2.PodsMetricSourceType, Pods: &autoscalingv2.PodsMetricSource{
		Metric: autoscalingv2.MetricIdentifier{Name: "rps"}, Target: autoscalingv2.MetricTarget{Type: autoscalingv2.AverageValueMetricType, AverageValue: q("100")}}}
	podsStatus := autoscalingv2.MetricStatus{Type: autoscalingv2.PodsMetricSourceType, Pods: &autoscalingv2.PodsMetricStatus{
		Current: autoscalingv2.MetricValueStatus{AverageValue: q("42")}}}
	objectValue := autoscalingv2.MetricSpec{Type: autoscalingv2.ObjectMetricSourceType, Object: &autoscalingv2.ObjectMetricSource{
		Target: autoscalingv2.MetricTarget{Type: autoscalingv2.ValueMetricType, Value: q("10k")}}}
	externalAvg := autoscalingv2.MetricSpec{Type: autoscalingv2.ExternalMetricSourceType, External: &autoscalingv2.ExternalMetricSource{
		Target: autoscalingv2.MetricTarget{Type: autoscalingv2.AverageValueMetricType, AverageValue: q("30")}}}
	externalStatus := autoscalingv2.MetricStatus{Type: autoscalingv2.ExternalMetricSourceType, External: &autoscalingv2.ExternalMetricStatus{
		Current: autoscalingv2.MetricValueStatus{AverageValue: q("12")}}}
	containerAuto := autoscalingv2.MetricSpec{Type: autoscalingv2.ContainerResourceMetricSourceType, ContainerResource: &autoscalingv2.ContainerResourceMetricSource{
		Name: corev1.ResourceCPU, Container: "app", Target: autoscalingv2.MetricTarget{Type: autoscalingv2.UtilizationMetricType}}}

	tests := []struct {
		name     string
		specs    []autoscalingv2.MetricSpec
		statuses []autoscalingv2.MetricStatus
		want     string
	}{
		{"none", nil, nil, "<none>"},
		{"cpu utilization", []autoscalingv2.MetricSpec{cpuUtil}, []autoscalingv2.MetricStatus{cpuUtilStatus}, "cpu: 35%/70%"},
		{"memory value", []autoscalingv2.MetricSpec{memValue}, []autoscalingv2.MetricStatus{memStatus}, "memory: 150Mi/200Mi"},
		{"two metrics, one unmeasured", []autoscalingv2.MetricSpec{cpuUtil, memValue}, []autoscalingv2.MetricStatus{cpuUtilStatus},
			"cpu: 35%/70%, memory: <unknown>/200Mi"},
		{"more than two", []autoscalingv2.MetricSpec{pods, cpuUtil, memValue}, []autoscalingv2.MetricStatus{podsStatus, cpuUtilStatus, memStatus},
			"42/100, cpu: 35%/70% + 1 more..."},
		{"object value", []autoscalingv2.MetricSpec{objectValue}, nil, "<unknown>/10k"},
		{"external average", []autoscalingv2.MetricSpec{externalAvg}, []autoscalingv2.MetricStatus{externalStatus}, "12/30 (avg)"},
		{"container resource without target", []autoscalingv2.MetricSpec{containerAuto}, nil, "cpu: <unknown>/<auto>"},
		{"unknown type", []autoscalingv2.MetricSpec{{Type: "Magic"}}, nil, "<unknown type>"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hpa := &autoscalingv2.HorizontalPodAutoscaler{
				ObjectMeta: objMeta("web", 5*time.Hour),
				Spec: autoscalingv2.HorizontalPodAutoscalerSpec{
					ScaleTargetRef: autoscalingv2.CrossVersionObjectReference{Kind: "StatefulSet", Name: "db"},
					MinReplicas:    ptr(int32(1)), MaxReplicas: 4, Metrics: tc.specs,
				},
				Status: autoscalingv2.HorizontalPodAutoscalerStatus{CurrentReplicas: 2, CurrentMetrics: tc.statuses},
			}
			want := []any{"web", "StatefulSet/db", tc.want, "1", int64(4), int64(2), "5h"}
			if diff := cmp.Diff(want, rowCells(t, hpa)); diff != "" {
				t.Errorf("cells (-want +got):\n%s", diff)
			}
		})
	}
}
