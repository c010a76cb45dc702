package printers

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
)

func TestLeasePriorityClassPDBCells(t *testing.T) {
	m := objMeta("x", 7*time.Minute)
	never := corev1.PreemptNever
	tests := []struct {
		name string
		obj  runtime.Object
		want []any
	}{
		{"held lease", &coordinationv1.Lease{ObjectMeta: m, Spec: coordinationv1.LeaseSpec{HolderIdentity: ptr("server-1_6f1c")}},
			[]any{"x", "server-1_6f1c", "7m"}},
		{"free lease", &coordinationv1.Lease{ObjectMeta: m}, []any{"x", "", "7m"}},
		{"default priority class", &schedulingv1.PriorityClass{ObjectMeta: m, Value: 1000, GlobalDefault: true, PreemptionPolicy: &never},
			[]any{"x", int64(1000), true, "7m", "Never"}},
		{"priority class without policy", &schedulingv1.PriorityClass{ObjectMeta: m, Value: -5},
			[]any{"x", int64(-5), false, "7m", ""}},
		{"pdb min available", &policyv1.PodDisruptionBudget{ObjectMeta: m,
			Spec:   policyv1.PodDisruptionBudgetSpec{MinAvailable: ptr(intstr.FromInt32(2))},
			Status: policyv1.PodDisruptionBudgetStatus{DisruptionsAllowed: 1}},
			[]any{"x", "2", "N/A", int64(1), "7m"}},
		{"pdb max unavailable percent", &policyv1.PodDisruptionBudget{ObjectMeta: m,
			Spec: policyv1.PodDisruptionBudgetSpec{MaxUnavailable: ptr(intstr.FromString("25%"))}},
			[]any{"x", "N/A", "25%", int64(0), "7m"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, rowCells(t, tc.obj)); diff != "" {
				t.Errorf("cells (-want +got):\n%s", diff)
			}
		})
	}
}
