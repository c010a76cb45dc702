package apiserver

import (
	"fmt"

	autoscalingv1 "k8s.io/api/autoscaling/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"skiff/pkg/convert"
	"skiff/pkg/defaults"
)

// conversions returns the converter between a served and a stored version, if Skiff has one.
func conversions(served, stored schema.GroupVersionKind) (*converter, bool) {
	switch {
	case served == asV1.WithKind("HorizontalPodAutoscaler") && stored == asV2.WithKind("HorizontalPodAutoscaler"):
		return &converter{
			toServed: typed(func(in *autoscalingv2.HorizontalPodAutoscaler) (runtime.Object, error) { return convert.HPAv2ToV1(in) }),
			toStored: typed(func(in *autoscalingv1.HorizontalPodAutoscaler) (runtime.Object, error) { return convert.HPAv1ToV2(in) }),
		}, true
	case served == eventsV1.WithKind("Event") && stored == coreV1.WithKind("Event"):
		return &converter{
			toServed: typed(func(in *corev1.Event) (runtime.Object, error) { return convert.EventToEventsV1(in), nil }),
			toStored: typed(func(in *eventsv1.Event) (runtime.Object, error) { return convert.EventsV1ToEvent(in), nil }),
		}, true
	}
	return nil, false
}

func typed[T runtime.Object](f func(T) (runtime.Object, error)) func(runtime.Object) (runtime.Object, error) {
	return func(o runtime.Object) (runtime.Object, error) {
		t, ok := o.(T)
		if !ok {
			return nil, fmt.Errorf("convert: unexpected type %T", o)
		}
		return f(t)
	}
}

// defaulter applies Skiff's defaults (for the field managers).
type defaulter struct{}

func (defaulter) Default(obj runtime.Object) { defaults.Default(obj) }
