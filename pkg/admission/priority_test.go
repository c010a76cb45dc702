package admission

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func class(name string, v int32, def bool, never bool) *schedulingv1.PriorityClass {
	pc := &schedulingv1.PriorityClass{ObjectMeta: metav1.ObjectMeta{Name: name}, Value: v, GlobalDefault: def}
	if never {
		p := corev1.PreemptNever
		pc.PreemptionPolicy = &p
	}
	return pc
}

func TestPriority(t *testing.T) {
	i32 := func(v int32) *int32 { return &v }
	lower, never := corev1.PreemptLowerPriority, corev1.PreemptNever
	classes := []*schedulingv1.PriorityClass{class("high", 1000, false, false), class("batch", 10, false, true)}
	withDefault := append(classes, class("normal", 100, true, false))
	tests := []struct {
		name       string
		className  string
		priority   *int32
		classes    []*schedulingv1.PriorityClass
		wantPrio   int32
		wantClass  string
		wantPolicy corev1.PreemptionPolicy
		wantErr    bool
	}{
		{name: "named class", className: "high", classes: classes, wantPrio: 1000, wantClass: "high", wantPolicy: lower},
		{name: "class with Never", className: "batch", classes: classes, wantPrio: 10, wantClass: "batch", wantPolicy: never},
		{name: "no class, no default", classes: classes, wantPrio: 0, wantPolicy: lower},
		{name: "global default", classes: withDefault, wantPrio: 100, wantClass: "normal", wantPolicy: lower},
		{name: "unknown class", className: "nope", classes: classes, wantErr: true},
		{name: "mismatching explicit priority", className: "high", priority: i32(5), classes: classes, wantErr: true},
		{name: "matching explicit priority", className: "high", priority: i32(1000), classes: classes, wantPrio: 1000, wantClass: "high", wantPolicy: lower},
		{name: "system class", className: SystemNodeCritical, classes: SystemPriorityClasses(), wantPrio: 2000001000, wantClass: SystemNodeCritical, wantPolicy: lower},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pod := &corev1.Pod{Spec: corev1.PodSpec{PriorityClassName: tc.className, Priority: tc.priority}}
			err := Priority(pod, tc.classes)
			var fe *ForbiddenError
			if tc.wantErr {
				if !errors.As(err, &fe) {
					t.Fatalf("want ForbiddenError, got %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := []any{*pod.Spec.Priority, pod.Spec.PriorityClassName, *pod.Spec.PreemptionPolicy}
			if diff := cmp.Diff([]any{tc.wantPrio, tc.wantClass, tc.wantPolicy}, got); diff != "" {
				t.Fatalf("(-want +got):\n%s", diff)
			}
		})
	}
}
