package convert

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	autoscalingv1 "k8s.io/api/autoscaling/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

func v1TypeMeta() metav1.TypeMeta {
	return metav1.TypeMeta{APIVersion: "autoscaling/v1", Kind: "HorizontalPodAutoscaler"}
}

func v1Ref() autoscalingv1.CrossVersionObjectReference {
	return autoscalingv1.CrossVersionObjectReference(scaleRef())
}

func withAnnotations(meta metav1.ObjectMeta, kv ...string) metav1.ObjectMeta {
	meta.Annotations = map[string]string{}
	for i := 0; i < len(kv); i += 2 {
		meta.Annotations[kv[i]] = kv[i+1]
	}
	return meta
}

func TestHPAv2ToV1(t *testing.T) {
	tests := []struct {
		name string
		in   *autoscalingv2.HorizontalPodAutoscaler
		want *autoscalingv1.HorizontalPodAutoscaler
	}{
		{
			name: "CPU target and CPU utilization status need no annotations",
			in: &autoscalingv2.HorizontalPodAutoscaler{
				ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "shop"},
				Spec: autoscalingv2.HorizontalPodAutoscalerSpec{
					ScaleTargetRef: scaleRef(), MaxReplicas: 5,
					Metrics: []autoscalingv2.MetricSpec{cpuUtilizationTarget(50)},
				},
				Status: autoscalingv2.HorizontalPodAutoscalerStatus{
					CurrentReplicas: 1, DesiredReplicas: 2,
					CurrentMetrics: []autoscalingv2.MetricStatus{cpuUtilizationStatus(30)},
				},
			},
			want: &autoscalingv1.HorizontalPodAutoscaler{
				TypeMeta:   v1TypeMeta(),
				ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "shop"},
				Spec: autoscalingv1.HorizontalPodAutoscalerSpec{
					ScaleTargetRef: v1Ref(), MaxReplicas: 5, TargetCPUUtilizationPercentage: ptr.To[int32](50),
				},
				Status: autoscalingv1.HorizontalPodAutoscalerStatus{
					CurrentReplicas: 1, DesiredReplicas: 2, CurrentCPUUtilizationPercentage: ptr.To[int32](30),
				},
			},
		},
		{
			name: "other metrics, behavior, status in upstream annotation format",
			in: &autoscalingv2.HorizontalPodAutoscaler{
				ObjectMeta: withAnnotations(hpaMeta(), "owner", "team-a", MetricsAnnotation, "stale"),
				Spec: autoscalingv2.HorizontalPodAutoscalerSpec{
					ScaleTargetRef: scaleRef(), MinReplicas: ptr.To[int32](1), MaxReplicas: 5,
					Metrics: []autoscalingv2.MetricSpec{cpuUtilizationTarget(50), memoryMetric()},
					Behavior: &autoscalingv2.HorizontalPodAutoscalerBehavior{ScaleUp: &autoscalingv2.HPAScalingRules{
						StabilizationWindowSeconds: ptr.To[int32](0),
						SelectPolicy:               ptr.To(autoscalingv2.MaxChangePolicySelect),
						Policies:                   []autoscalingv2.HPAScalingPolicy{{Type: autoscalingv2.PodsScalingPolicy, Value: 4, PeriodSeconds: 15}},
					}},
				},
				Status: autoscalingv2.HorizontalPodAutoscalerStatus{
					CurrentReplicas: 2, DesiredReplicas: 2,
					CurrentMetrics: []autoscalingv2.MetricStatus{{Type: autoscalingv2.ResourceMetricSourceType, Resource: &autoscalingv2.ResourceMetricStatus{
						Name: corev1.ResourceCPU, Current: autoscalingv2.MetricValueStatus{AverageValue: q("150m"), AverageUtilization: ptr.To[int32](30)},
					}}},
					Conditions: conditions()[:1],
				},
			},
			want: &autoscalingv1.HorizontalPodAutoscaler{
				TypeMeta: v1TypeMeta(),
				ObjectMeta: withAnnotations(hpaMeta(),
					"owner", "team-a",
					MetricsAnnotation, `[{"type":"Resource","resource":{"name":"memory","targetAverageValue":"1Gi"}}]`,
					BehaviorAnnotation, `{"ScaleUp":{"StabilizationWindowSeconds":0,"SelectPolicy":"Max","Policies":[{"Type":"Pods","Value":4,"PeriodSeconds":15}]},"ScaleDown":null}`,
					CurrentMetricsAnnotation, `[{"type":"Resource","resource":{"name":"cpu","currentAverageUtilization":30,"currentAverageValue":"150m"}}]`,
					ConditionsAnnotation, `[{"type":"AbleToScale","status":"True","lastTransitionTime":"2026-03-04T05:06:07Z","reason":"SucceededGetScale","message":"ok"}]`,
				),
				Spec: autoscalingv1.HorizontalPodAutoscalerSpec{
					ScaleTargetRef: v1Ref(), MinReplicas: ptr.To[int32](1), MaxReplicas: 5, TargetCPUUtilizationPercentage: ptr.To[int32](50),
				},
				Status: autoscalingv1.HorizontalPodAutoscalerStatus{
					CurrentReplicas: 2, DesiredReplicas: 2, CurrentCPUUtilizationPercentage: ptr.To[int32](30),
				},
			},
		},
		{
			name: "CPU metric with more than a percentage stays in the annotation",
			in: &autoscalingv2.HorizontalPodAutoscaler{
				Spec: autoscalingv2.HorizontalPodAutoscalerSpec{MaxReplicas: 3, Metrics: []autoscalingv2.MetricSpec{{
					Type: autoscalingv2.ResourceMetricSourceType,
					Resource: &autoscalingv2.ResourceMetricSource{Name: corev1.ResourceCPU, Target: autoscalingv2.MetricTarget{
						Type: autoscalingv2.AverageValueMetricType, AverageValue: q("500m"), AverageUtilization: ptr.To[int32](9),
					}},
				}}},
			},
			want: &autoscalingv1.HorizontalPodAutoscaler{
				TypeMeta: v1TypeMeta(),
				ObjectMeta: withAnnotations(metav1.ObjectMeta{},
					MetricsAnnotation, `[{"type":"Resource","resource":{"name":"cpu","targetAverageUtilization":9,"targetAverageValue":"500m"}}]`),
				Spec: autoscalingv1.HorizontalPodAutoscalerSpec{MaxReplicas: 3},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := HPAv2ToV1(tt.in)
			if err != nil {
				t.Fatalf("HPAv2ToV1: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("HPAv2ToV1 (-want +got):\n%s", diff)
			}
		})
	}
}

func TestHPAv1ToV2(t *testing.T) {
	tests := []struct {
		name string
		in   *autoscalingv1.HorizontalPodAutoscaler
		want *autoscalingv2.HorizontalPodAutoscaler
	}{
		{
			name: "CPU target becomes a Resource Utilization metric",
			in: &autoscalingv1.HorizontalPodAutoscaler{
				ObjectMeta: hpaMeta(),
				Spec: autoscalingv1.HorizontalPodAutoscalerSpec{
					ScaleTargetRef: v1Ref(), MaxReplicas: 5, TargetCPUUtilizationPercentage: ptr.To[int32](70),
				},
				Status: autoscalingv1.HorizontalPodAutoscalerStatus{CurrentReplicas: 3, CurrentCPUUtilizationPercentage: ptr.To[int32](65)},
			},
			want: &autoscalingv2.HorizontalPodAutoscaler{
				TypeMeta: v2TypeMeta(), ObjectMeta: hpaMeta(),
				Spec: autoscalingv2.HorizontalPodAutoscalerSpec{
					ScaleTargetRef: scaleRef(), MaxReplicas: 5, Metrics: []autoscalingv2.MetricSpec{cpuUtilizationTarget(70)},
				},
				Status: autoscalingv2.HorizontalPodAutoscalerStatus{
					CurrentReplicas: 3, CurrentMetrics: []autoscalingv2.MetricStatus{cpuUtilizationStatus(65)},
				},
			},
		},
		{
			name: "no target implies 80 percent CPU",
			in:   &autoscalingv1.HorizontalPodAutoscaler{Spec: autoscalingv1.HorizontalPodAutoscalerSpec{MaxReplicas: 2}},
			want: &autoscalingv2.HorizontalPodAutoscaler{
				TypeMeta: v2TypeMeta(),
				Spec: autoscalingv2.HorizontalPodAutoscalerSpec{
					MaxReplicas: 2, Metrics: []autoscalingv2.MetricSpec{cpuUtilizationTarget(80)},
				},
			},
		},
		{
			name: "annotations written by upstream are decoded and removed",
			in: &autoscalingv1.HorizontalPodAutoscaler{
				ObjectMeta: withAnnotations(hpaMeta(),
					"owner", "team-a",
					MetricsAnnotation, `[{"type":"Resource","resource":{"name":"memory","targetAverageValue":"1Gi"}}]`,
					BehaviorAnnotation, `{"ScaleUp":{"StabilizationWindowSeconds":0,"SelectPolicy":"Max","Policies":[{"Type":"Pods","Value":4,"PeriodSeconds":15},{"Type":"Percent","Value":100,"PeriodSeconds":15}]},`+
						`"ScaleDown":{"stabilizationWindowSeconds":300,"policies":[{"type":"Percent","value":10,"periodSeconds":60}],"tolerance":"50m"}}`,
					CurrentMetricsAnnotation, `[{"type":"Pods","pods":{"metricName":"rps","currentAverageValue":"80"}}]`,
					ConditionsAnnotation, `[{"type":"AbleToScale","status":"True","lastTransitionTime":"2026-03-04T05:06:07Z","reason":"SucceededGetScale","message":"ok"}]`,
				),
				Spec: autoscalingv1.HorizontalPodAutoscalerSpec{
					ScaleTargetRef: v1Ref(), MaxReplicas: 5, TargetCPUUtilizationPercentage: ptr.To[int32](75),
				},
				Status: autoscalingv1.HorizontalPodAutoscalerStatus{CurrentCPUUtilizationPercentage: ptr.To[int32](99)},
			},
			want: &autoscalingv2.HorizontalPodAutoscaler{
				TypeMeta: v2TypeMeta(), ObjectMeta: hpaMeta(),
				Spec: autoscalingv2.HorizontalPodAutoscalerSpec{
					ScaleTargetRef: scaleRef(), MaxReplicas: 5,
					Metrics:  []autoscalingv2.MetricSpec{memoryMetric(), cpuUtilizationTarget(75)},
					Behavior: behavior(),
				},
				Status: autoscalingv2.HorizontalPodAutoscalerStatus{
					CurrentMetrics: []autoscalingv2.MetricStatus{currentMetrics()[1]},
					Conditions:     conditions()[:1],
				},
			},
		},
		{
			name: "malformed annotations are ignored and dropped",
			in: &autoscalingv1.HorizontalPodAutoscaler{
				ObjectMeta: withAnnotations(metav1.ObjectMeta{Name: "x"}, MetricsAnnotation, "{", BehaviorAnnotation, "[]", ConditionsAnnotation, "nope"),
				Spec:       autoscalingv1.HorizontalPodAutoscalerSpec{MaxReplicas: 2, TargetCPUUtilizationPercentage: ptr.To[int32](40)},
			},
			want: &autoscalingv2.HorizontalPodAutoscaler{
				TypeMeta: v2TypeMeta(), ObjectMeta: metav1.ObjectMeta{Name: "x"},
				Spec: autoscalingv2.HorizontalPodAutoscalerSpec{MaxReplicas: 2, Metrics: []autoscalingv2.MetricSpec{cpuUtilizationTarget(40)}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := HPAv1ToV2(tt.in)
			if err != nil {
				t.Fatalf("HPAv1ToV2: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("HPAv1ToV2 (-want +got):\n%s", diff)
			}
		})
	}
}
