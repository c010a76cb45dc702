package openapi

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/applyconfigurations"
	"k8s.io/client-go/kubernetes/scheme"
	smd "sigs.k8s.io/structured-merge-diff/v6/schema"
)

// everyGroupVersion serves one listable kind of every group version in the
// scheme, so that New defines every registered type.
func everyGroupVersion(s *runtime.Scheme) []Resource {
	known := s.AllKnownTypes()
	seen := map[string]bool{}
	var out []Resource
	for gvk := range known {
		gv := gvk.GroupVersion().String()
		if gvk.Version == runtime.APIVersionInternal || seen[gv] {
			continue
		}
		if _, ok := known[gvk.GroupVersion().WithKind(gvk.Kind+"List")]; !ok {
			continue
		}
		seen[gv] = true
		out = append(out, Resource{GVK: gvk, Resource: "r", Verbs: []string{"get"}})
	}
	return out
}

// upstreamSchema returns the structured-merge-diff schema client-go ships
// for apply configurations.
func upstreamSchema(t *testing.T) *smd.Schema {
	t.Helper()
	pod := &corev1.Pod{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"}}
	tv, err := applyconfigurations.NewTypeConverter(scheme.Scheme).ObjectToTyped(pod)
	if err != nil {
		t.Fatal(err)
	}
	return tv.Schema()
}

// TestUpstreamMergeSemantics checks that the list, map and struct merge
// semantics of every generated type match the ones upstream declares in
// comments, which the override tables transcribe.
func TestUpstreamMergeSemantics(t *testing.T) {
	s, err := New(scheme.Scheme, everyGroupVersion(scheme.Scheme))
	if err != nil {
		t.Fatal(err)
	}
	pod := &corev1.Pod{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"}}
	tv, err := s.TypeConverter().ObjectToTyped(pod)
	if err != nil {
		t.Fatal(err)
	}
	ours, theirs := tv.Schema(), upstreamSchema(t)
	var diffs []string
	for _, td := range ours.Types {
		if ut, ok := theirs.FindNamedType(td.Name); ok && td.Map != nil && ut.Map != nil {
			diffs = append(diffs, compareStruct(ours, theirs, td, ut)...)
		}
	}
	// Known differences: RawExtension is special-cased by name in the
	// converter; the others are alpha/beta types with markers not worth a table entry.
	want := []string{
		"io.k8s.api.lifecycle.v1alpha1.ResponderStatus: struct \"\" want \"separable\"",
		"io.k8s.api.scheduling.v1alpha3.CompositePodGroupTemplate.compositePodGroupTemplates: shape differs",
		"io.k8s.api.scheduling.v1beta1.CompositePodGroupTemplate.compositePodGroupTemplates: shape differs",
		"io.k8s.apimachinery.pkg.runtime.RawExtension: struct \"atomic\" want \"\"",
	}
	if diff := cmp.Diff(want, diffs, sortStrings()); diff != "" {
		t.Errorf("merge semantics differ from upstream (-want +got):\n%s", diff)
	}
}

func compareStruct(ours, theirs *smd.Schema, td, ut smd.TypeDef) []string {
	var out []string
	if td.Map.ElementRelationship != ut.Map.ElementRelationship {
		out = append(out, fmt.Sprintf("%s: struct %q want %q", td.Name, td.Map.ElementRelationship, ut.Map.ElementRelationship))
	}
	for _, f := range td.Map.Fields {
		uf, ok := ut.Map.FindField(f.Name)
		if !ok {
			out = append(out, fmt.Sprintf("%s.%s: not upstream", td.Name, f.Name))
			continue
		}
		if d := compareField(ours, theirs, f, uf); d != "" {
			out = append(out, td.Name+"."+f.Name+": "+d)
		}
	}
	return out
}

func compareField(ours, theirs *smd.Schema, f, uf smd.StructField) string {
	if a, b := relationship(f.Type), relationship(uf.Type); a != b {
		return fmt.Sprintf("reference %q want %q", a, b)
	}
	oa, _ := ours.Resolve(f.Type)
	ua, _ := theirs.Resolve(uf.Type)
	switch {
	case (oa.List == nil) != (ua.List == nil) || (oa.Map == nil) != (ua.Map == nil):
		return "shape differs"
	case oa.List != nil:
		got := fmt.Sprint(oa.List.ElementRelationship, oa.List.Keys)
		if want := fmt.Sprint(ua.List.ElementRelationship, ua.List.Keys); got != want {
			return fmt.Sprintf("list %s want %s", got, want)
		}
	case oa.Map != nil && f.Type.NamedType == nil && oa.Map.ElementRelationship != ua.Map.ElementRelationship:
		return fmt.Sprintf("map %q want %q", oa.Map.ElementRelationship, ua.Map.ElementRelationship)
	}
	return ""
}

func relationship(r smd.TypeRef) smd.ElementRelationship {
	if r.ElementRelationship == nil {
		return ""
	}
	return *r.ElementRelationship
}
