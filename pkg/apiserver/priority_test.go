package apiserver_test

import (
	"context"
	"testing"

	corev1 "k8s.io/api/core/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestPodPriorityAdmission(t *testing.T) {
	t.Parallel()
	cs := start(t).kube
	ctx := context.Background()
	if _, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "prio"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	pc := &schedulingv1.PriorityClass{ObjectMeta: metav1.ObjectMeta{Name: "high"}, Value: 1000}
	if _, err := cs.SchedulingV1().PriorityClasses().Create(ctx, pc, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	mk := func(name, class string) *corev1.Pod {
		return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: corev1.PodSpec{PriorityClassName: class,
			Containers: []corev1.Container{{Name: "c", Image: "busybox:1.35"}}}}
	}
	got, err := cs.CoreV1().Pods("prio").Create(ctx, mk("a", "high"), metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got.Spec.Priority == nil || *got.Spec.Priority != 1000 || got.Spec.PreemptionPolicy == nil || *got.Spec.PreemptionPolicy != corev1.PreemptLowerPriority {
		t.Fatalf("priority not resolved: %v %v", got.Spec.Priority, got.Spec.PreemptionPolicy)
	}
	plain, err := cs.CoreV1().Pods("prio").Create(ctx, mk("b", ""), metav1.CreateOptions{})
	if err != nil || plain.Spec.Priority == nil || *plain.Spec.Priority != 0 {
		t.Fatalf("pod without class: priority %v, err %v", plain.Spec.Priority, err)
	}
	_, err = cs.CoreV1().Pods("prio").Create(ctx, mk("c", "missing"), metav1.CreateOptions{})
	if !apierrors.IsForbidden(err) {
		t.Fatalf("unknown class: want 403, got %v", err)
	}
}

func TestPodDefaultTolerations(t *testing.T) {
	t.Parallel()
	cs := start(t).kube
	ctx := context.Background()
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "t"}, Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "busybox:1.35"}}}}
	got, err := cs.CoreV1().Pods("default").Create(ctx, p, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]int64{}
	for _, tol := range got.Spec.Tolerations {
		if tol.Effect == corev1.TaintEffectNoExecute && tol.TolerationSeconds != nil {
			found[tol.Key] = *tol.TolerationSeconds
		}
	}
	want := map[string]int64{"node.kubernetes.io/not-ready": 10, "node.kubernetes.io/unreachable": 10}
	for k, v := range want {
		if found[k] != v {
			t.Fatalf("toleration %s: got %v, want %ds (all: %v)", k, found[k], v, got.Spec.Tolerations)
		}
	}
}
