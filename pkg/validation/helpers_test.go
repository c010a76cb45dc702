package validation

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"skiff/pkg/defaults"
)

// summary renders errors as "<type> <path>" so tables can assert both.
func summary(errs field.ErrorList) []string {
	var out []string
	for _, e := range errs {
		out = append(out, string(e.Type)+" "+e.Field)
	}
	return out
}

// checkErrors compares the errors of got with want, ignoring order.
func checkErrors(t *testing.T, want []string, got field.ErrorList) {
	t.Helper()
	if diff := cmp.Diff(want, summary(got), cmpopts.SortSlices(func(a, b string) bool { return a < b }), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("errors (-want +got):\n%s\nall errors: %v", diff, got)
	}
}

// createCase is one ValidateCreate table entry: a valid object built by
// fixture, changed by mutate, must yield want.
type createCase[T runtime.Object] struct {
	name   string
	mutate func(T)
	want   []string
}

// runCreate runs create cases against fresh defaulted fixtures.
func runCreate[T runtime.Object](t *testing.T, fixture func() T, namespaced bool, cases []createCase[T]) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			obj := fixture()
			defaults.Default(obj)
			if tc.mutate != nil {
				tc.mutate(obj)
			}
			checkErrors(t, tc.want, ValidateCreate(obj, namespaced))
		})
	}
}

// updateCase is one ValidateUpdate table entry: mutate changes a copy of
// the valid stored object.
type updateCase[T runtime.Object] struct {
	name   string
	old    func(T)
	mutate func(T)
	want   []string
}

func runUpdate[T runtime.Object](t *testing.T, fixture func() T, namespaced bool, cases []updateCase[T]) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			old := fixture()
			defaults.Default(old)
			if tc.old != nil {
				tc.old(old)
			}
			obj := old.DeepCopyObject().(T)
			tc.mutate(obj)
			checkErrors(t, tc.want, ValidateUpdate(obj, old, namespaced))
		})
	}
}
