package validation

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/utils/ptr"

	"skiff/pkg/defaults"
)

func TestValidatePodUpdate(t *testing.T) {
	noExec := corev1.Toleration{Key: "k", Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute, TolerationSeconds: ptr.To(int64(60))}
	runUpdate(t, validPod, true, []updateCase[*corev1.Pod]{
		{name: "image change", mutate: func(p *corev1.Pod) { p.Spec.Containers[0].Image = "registry.local/app:v2" }},
		{name: "labels change", mutate: func(p *corev1.Pod) { p.Labels = map[string]string{"a": "b"} }},
		{name: "set active deadline", mutate: func(p *corev1.Pod) { p.Spec.ActiveDeadlineSeconds = ptr.To(int64(10)) }},
		{name: "raise active deadline", old: func(p *corev1.Pod) { p.Spec.ActiveDeadlineSeconds = ptr.To(int64(10)) },
			mutate: func(p *corev1.Pod) { p.Spec.ActiveDeadlineSeconds = ptr.To(int64(20)) },
			want:   []string{"FieldValueInvalid spec.activeDeadlineSeconds"}},
		{name: "add toleration", mutate: func(p *corev1.Pod) { p.Spec.Tolerations = append(p.Spec.Tolerations, noExec) }},
		{name: "lower toleration seconds", old: func(p *corev1.Pod) { p.Spec.Tolerations = []corev1.Toleration{noExec} },
			mutate: func(p *corev1.Pod) { p.Spec.Tolerations[0].TolerationSeconds = ptr.To(int64(5)) }},
		{name: "remove toleration", old: func(p *corev1.Pod) { p.Spec.Tolerations = []corev1.Toleration{noExec} },
			mutate: func(p *corev1.Pod) { p.Spec.Tolerations = nil },
			want:   []string{"FieldValueForbidden spec.tolerations"}},
		{name: "remove scheduling gate", old: func(p *corev1.Pod) { p.Spec.SchedulingGates = []corev1.PodSchedulingGate{{Name: "example.com/g"}} },
			mutate: func(p *corev1.Pod) { p.Spec.SchedulingGates = nil }},
		{name: "change restart policy", mutate: func(p *corev1.Pod) { p.Spec.RestartPolicy = corev1.RestartPolicyNever },
			want: []string{"FieldValueForbidden spec"}},
		{name: "change node name", mutate: func(p *corev1.Pod) { p.Spec.NodeName = "node-1" },
			want: []string{"FieldValueForbidden spec"}},
		{name: "add container", mutate: func(p *corev1.Pod) {
			p.Spec.Containers = append(p.Spec.Containers, corev1.Container{Name: "b", Image: "b:1", ImagePullPolicy: "IfNotPresent", TerminationMessagePolicy: "File"})
		}, want: []string{"FieldValueForbidden spec.containers"}},
		{name: "resource version required", mutate: func(p *corev1.Pod) { p.ResourceVersion = "" },
			want: []string{"FieldValueInvalid metadata.resourceVersion"}},
		{name: "name immutable", mutate: func(p *corev1.Pod) { p.Name = "other" },
			want: []string{"FieldValueInvalid metadata.name"}},
	})
}

func TestPodUpdateMessage(t *testing.T) {
	old := validPod()
	defaults.Default(old)
	pod := old.DeepCopy()
	pod.Spec.RestartPolicy = corev1.RestartPolicyNever
	errs := ValidateUpdate(pod, old, true)
	if len(errs) != 1 {
		t.Fatalf("got %d errors, want 1: %v", len(errs), errs)
	}
	for _, want := range []string{"pod updates may not change fields other than `spec.containers[*].image`", "RestartPolicy"} {
		if !strings.Contains(errs[0].Detail, want) {
			t.Errorf("detail %q lacks %q", errs[0].Detail, want)
		}
	}
}
