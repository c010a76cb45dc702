package framework_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"skiff/pkg/scheduler/framework"
	ft "skiff/pkg/scheduler/framework/frameworktest"
)

func TestPodsWithLabel(t *testing.T) {
	terminating := ft.MakePod("t").Node("a").Label("app", "x").Obj()
	terminating.DeletionTimestamp = &metav1.Time{}
	s := framework.NewSnapshot([]*corev1.Node{ft.MakeNode("a").Obj(), ft.MakeNode("b").Obj()}, []*corev1.Pod{
		ft.MakePod("p1").Node("a").Label("app", "x").Obj(),
		ft.MakePod("p2").Node("a").Label("app", "x").Obj(),
		ft.MakePod("p3").Node("b").Label("app", "x").Obj(),
		ft.MakePod("o").Namespace("other").Node("b").Label("app", "x").Obj(),
		terminating,
	})
	x := framework.LabelPair{Namespace: "default", Key: "app", Value: "x"}
	if diff := cmp.Diff(map[string]int{"a": 2, "b": 1}, s.PodsWithLabel(x)); diff != "" {
		t.Errorf("initial (-want +got):\n%s", diff)
	}
	s.RemovePod(ft.MakePod("p3").Obj())
	s.AddPod(ft.MakePod("p2").Node("a").Label("app", "y").Obj()) // relabelled
	if diff := cmp.Diff(map[string]int{"a": 1}, s.PodsWithLabel(x)); diff != "" {
		t.Errorf("after changes (-want +got):\n%s", diff)
	}
}

func TestSingleLabel(t *testing.T) {
	tests := []struct {
		name string
		ls   *metav1.LabelSelector
		want []any
	}{
		{"matchLabels of one", &metav1.LabelSelector{MatchLabels: map[string]string{"app": "x"}}, []any{"app", "x", true}},
		{"In with one value", &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "app", Operator: metav1.LabelSelectorOpIn, Values: []string{"x"}}}}, []any{"app", "x", true}},
		{"In with two values", &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "app", Operator: metav1.LabelSelectorOpIn, Values: []string{"x", "y"}}}}, []any{"", "", false}},
		{"two labels", &metav1.LabelSelector{MatchLabels: map[string]string{"app": "x", "tier": "db"}}, []any{"", "", false}},
		{"NotIn", &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "app", Operator: metav1.LabelSelectorOpNotIn, Values: []string{"x"}}}}, []any{"", "", false}},
		{"empty selects everything", &metav1.LabelSelector{}, []any{"", "", false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sel, err := metav1.LabelSelectorAsSelector(tt.ls)
			if err != nil {
				t.Fatal(err)
			}
			k, v, ok := framework.SingleLabel(sel)
			if diff := cmp.Diff(tt.want, []any{k, v, ok}); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
