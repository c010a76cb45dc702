package convert

import (
	"encoding/json"
	"maps"

	autoscalingv1 "k8s.io/api/autoscaling/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	"k8s.io/apimachinery/pkg/api/resource"
)

// Annotations of an autoscaling/v1 HorizontalPodAutoscaler that carry the
// autoscaling/v2 fields v1 has no place for (names as upstream Kubernetes).
const (
	// MetricsAnnotation holds spec metrics other than the one CPU
	// utilization target, as a JSON list of autoscaling/v1 MetricSpec.
	MetricsAnnotation = "autoscaling.alpha.kubernetes.io/metrics"
	// CurrentMetricsAnnotation holds all status current metrics, as a JSON
	// list of autoscaling/v1 MetricStatus.
	CurrentMetricsAnnotation = "autoscaling.alpha.kubernetes.io/current-metrics"
	// ConditionsAnnotation holds status conditions, as a JSON list of
	// autoscaling/v1 HorizontalPodAutoscalerCondition.
	ConditionsAnnotation = "autoscaling.alpha.kubernetes.io/conditions"
	// BehaviorAnnotation holds spec behavior as JSON.
	BehaviorAnnotation = "autoscaling.alpha.kubernetes.io/behavior"
)

// withoutRoundTrip returns a copy of ann without the conversion's keys. The
// result is nil when ann is nil or only held those keys.
func withoutRoundTrip(ann map[string]string) map[string]string {
	if ann == nil {
		return nil
	}
	out := maps.Clone(ann)
	delete(out, MetricsAnnotation)
	delete(out, CurrentMetricsAnnotation)
	delete(out, ConditionsAnnotation)
	delete(out, BehaviorAnnotation)
	if len(out) == 0 && len(ann) > 0 {
		return nil
	}
	return out
}

// setJSON stores v, encoded as JSON, under key in *ann, creating the map.
func setJSON(ann *map[string]string, key string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if *ann == nil {
		*ann = map[string]string{}
	}
	(*ann)[key] = string(data)
	return nil
}

// getJSON decodes the JSON under key. It reports false when the key is
// absent or does not decode: like upstream, bad values are ignored.
func getJSON[T any](ann map[string]string, key string) (T, bool) {
	var v T
	data, ok := ann[key]
	if !ok || json.Unmarshal([]byte(data), &v) != nil {
		var zero T
		return zero, false
	}
	return v, true
}

// behaviorJSON mirrors the shape upstream writes into BehaviorAnnotation:
// the Go field names of its internal type, not the v2 JSON names. Reading
// accepts both, since JSON field matching is case-insensitive.
type behaviorJSON struct {
	ScaleUp   *scalingRulesJSON
	ScaleDown *scalingRulesJSON
}

// scalingRulesJSON is one direction of behaviorJSON.
type scalingRulesJSON struct {
	StabilizationWindowSeconds *int32
	SelectPolicy               *autoscalingv2.ScalingPolicySelect
	Policies                   []scalingPolicyJSON
	Tolerance                  *resource.Quantity `json:",omitempty"`
}

// scalingPolicyJSON is one policy of scalingRulesJSON.
type scalingPolicyJSON struct {
	Type          autoscalingv2.HPAScalingPolicyType
	Value         int32
	PeriodSeconds int32
}

// behaviorToJSON converts b to its annotation shape.
func behaviorToJSON(b *autoscalingv2.HorizontalPodAutoscalerBehavior) behaviorJSON {
	return behaviorJSON{ScaleUp: rulesToJSON(b.ScaleUp), ScaleDown: rulesToJSON(b.ScaleDown)}
}

// rulesToJSON converts r to its annotation shape.
func rulesToJSON(r *autoscalingv2.HPAScalingRules) *scalingRulesJSON {
	if r == nil {
		return nil
	}
	out := &scalingRulesJSON{
		StabilizationWindowSeconds: r.StabilizationWindowSeconds,
		SelectPolicy:               r.SelectPolicy,
		Tolerance:                  r.Tolerance,
	}
	for _, p := range r.Policies {
		out.Policies = append(out.Policies, scalingPolicyJSON(p))
	}
	return out
}

// v2Extras are the v2 fields that ride in v1 annotations.
type v2Extras struct {
	otherMetrics   []autoscalingv1.MetricSpec
	currentMetrics []autoscalingv1.MetricStatus
	conditions     []autoscalingv1.HorizontalPodAutoscalerCondition
	behavior       *autoscalingv2.HorizontalPodAutoscalerBehavior
}

// annotate writes the non-empty parts of x into *ann.
func (x v2Extras) annotate(ann *map[string]string) error {
	if len(x.otherMetrics) > 0 {
		if err := setJSON(ann, MetricsAnnotation, x.otherMetrics); err != nil {
			return err
		}
	}
	if len(x.currentMetrics) > 0 {
		if err := setJSON(ann, CurrentMetricsAnnotation, x.currentMetrics); err != nil {
			return err
		}
	}
	if len(x.conditions) > 0 {
		if err := setJSON(ann, ConditionsAnnotation, x.conditions); err != nil {
			return err
		}
	}
	if x.behavior != nil {
		return setJSON(ann, BehaviorAnnotation, behaviorToJSON(x.behavior))
	}
	return nil
}

// readExtras decodes whatever round-trip annotations ann holds; absent or
// malformed ones stay nil.
func readExtras(ann map[string]string) (x v2Extras, hasCurrentMetrics bool) {
	x.otherMetrics, _ = getJSON[[]autoscalingv1.MetricSpec](ann, MetricsAnnotation)
	x.currentMetrics, hasCurrentMetrics = getJSON[[]autoscalingv1.MetricStatus](ann, CurrentMetricsAnnotation)
	x.conditions, _ = getJSON[[]autoscalingv1.HorizontalPodAutoscalerCondition](ann, ConditionsAnnotation)
	b, ok := getJSON[autoscalingv2.HorizontalPodAutoscalerBehavior](ann, BehaviorAnnotation)
	if ok && (b.ScaleUp != nil || b.ScaleDown != nil) {
		x.behavior = &b
	}
	return x, hasCurrentMetrics
}
