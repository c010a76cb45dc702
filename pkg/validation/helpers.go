package validation

import (
	"cmp"
	"math"
	"reflect"
	"slices"

	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/validate/content"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/runtime"
	utilvalidation "k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

var (
	isDNS1123Label     = utilvalidation.IsDNS1123Label
	isDNS1123Subdomain = utilvalidation.IsDNS1123Subdomain
	isQualifiedName    = content.IsQualifiedName
	isLabelValue       = content.IsLabelValue
)

func reflectType(obj runtime.Object) reflect.Type {
	t := reflect.TypeOf(obj)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// oneOf reports value as Required when empty and NotSupported when it is not
// one of allowed.
func oneOf[T ~string](value T, p *field.Path, allowed ...T) field.ErrorList {
	if value == "" {
		return field.ErrorList{field.Required(p, "")}
	}
	return optionalOneOf(value, p, allowed...)
}

// optionalOneOf is oneOf for fields that may be left empty.
func optionalOneOf[T ~string](value T, p *field.Path, allowed ...T) field.ErrorList {
	if value == "" || slices.Contains(allowed, value) {
		return nil
	}
	names := make([]string, len(allowed))
	for i, a := range allowed {
		names[i] = string(a)
	}
	return field.ErrorList{field.NotSupported(p, value, names)}
}

// nonNegative checks an optional int32 or int64 field is >= 0.
func nonNegative[T int32 | int64](v *T, p *field.Path) field.ErrorList {
	if v == nil {
		return nil
	}
	return apivalidation.ValidateNonnegativeField(int64(*v), p)
}

// positive checks an optional field is > 0.
func positive[T int32 | int64](v *T, p *field.Path) field.ErrorList {
	if v == nil || *v > 0 {
		return nil
	}
	return field.ErrorList{field.Invalid(p, *v, "must be greater than zero")}
}

// inRange checks an optional field lies in [lo, hi].
func inRange[T int32 | int64](v *T, lo, hi int64, p *field.Path) field.ErrorList {
	if v == nil || (int64(*v) >= lo && int64(*v) <= hi) {
		return nil
	}
	return field.ErrorList{field.Invalid(p, *v, utilvalidation.InclusiveRangeError(int(lo), int(min(hi, math.MaxInt))))}
}

// sortedKeys returns the keys of m in order, so errors come out stable.
func sortedKeys[K cmp.Ordered, V any](m map[K]V) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func immutable(newVal, oldVal any, p *field.Path) field.ErrorList {
	return apivalidation.ValidateImmutableField(newVal, oldVal, p)
}

func equalSemantic(a, b any) bool {
	return equality.Semantic.DeepEqual(a, b)
}

func validateSelector(sel *metav1.LabelSelector, p *field.Path) field.ErrorList {
	return metav1validation.ValidateLabelSelector(sel, metav1validation.LabelSelectorValidationOptions{}, p)
}
