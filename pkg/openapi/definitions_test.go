package openapi

import (
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/kube-openapi/pkg/validation/spec"
)

// testSpec builds the Spec of testResources once per test binary.
var testSpec = sync.OnceValues(func() (*Spec, error) {
	return New(scheme.Scheme, testResources())
})

func mustSpec(t testing.TB) *Spec {
	t.Helper()
	s, err := testSpec()
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}

func TestKindsHaveDefinitions(t *testing.T) {
	defs := mustSpec(t).Definitions()
	for _, r := range testResources() {
		for _, gvk := range kindsOf(r) {
			t.Run(gvk.String(), func(t *testing.T) {
				obj, err := scheme.Scheme.New(gvk)
				if err != nil {
					t.Fatal(err)
				}
				name := definitionName(derefValue(obj))
				s, ok := defs[name]
				if !ok {
					t.Fatalf("no definition %s", name)
				}
				got, _ := s.Extensions[extGVK].([]any)
				if !containsGVK(got, gvkValue(gvk)) {
					t.Errorf("%s: %s = %v, want it to list %v", name, extGVK, got, gvk)
				}
			})
		}
	}
}

func containsGVK(list []any, want map[string]any) bool {
	for _, v := range list {
		if cmp.Equal(v, want) {
			return true
		}
	}
	return false
}

func TestReferencesResolve(t *testing.T) {
	defs := mustSpec(t).Definitions()
	for name, s := range defs {
		walkRefs(s, func(ref string) {
			if !strings.HasPrefix(ref, "#/definitions/") {
				t.Errorf("%s: reference %q is not a v2 definition reference", name, ref)
			}
			if defs[refName(ref)] == nil {
				t.Errorf("%s: unresolved reference %q", name, ref)
			}
		})
	}
}

// walkRefs calls fn with every reference inside s.
func walkRefs(s *spec.Schema, fn func(string)) {
	eachSubschema(s, func(sub *spec.Schema) {
		if ref := sub.Ref.String(); ref != "" {
			fn(ref)
		}
		walkRefs(sub, fn)
	})
}

func TestDefinitionNames(t *testing.T) {
	defs := mustSpec(t).Definitions()
	for _, name := range []string{
		"io.k8s.api.core.v1.Pod",
		"io.k8s.api.apps.v1.Deployment",
		"io.k8s.api.autoscaling.v1.Scale",
		"io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
		"io.k8s.apimachinery.pkg.apis.meta.v1.Status",
		"io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions",
		"io.k8s.apimachinery.pkg.apis.meta.v1.Patch",
		"io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent",
	} {
		if defs[name] == nil {
			t.Errorf("missing definition %s", name)
		}
	}
}

func TestCustomTypes(t *testing.T) {
	defs := mustSpec(t).Definitions()
	tests := []struct {
		name, typ, format string
	}{
		{"io.k8s.apimachinery.pkg.api.resource.Quantity", "string", ""},
		{"io.k8s.apimachinery.pkg.util.intstr.IntOrString", "string", "int-or-string"},
		{"io.k8s.apimachinery.pkg.apis.meta.v1.Time", "string", "date-time"},
		{"io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime", "string", "date-time"},
		{"io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1", "object", ""},
		{"io.k8s.apimachinery.pkg.runtime.RawExtension", "object", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := defs[tc.name]
			if s == nil {
				t.Fatal("missing")
			}
			got := []string{strings.Join(s.Type, ","), s.Format}
			if diff := cmp.Diff([]string{tc.typ, tc.format}, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if len(s.Properties) != 0 {
				t.Errorf("custom type has properties %v", s.Properties)
			}
		})
	}
}

func TestPropertySchemas(t *testing.T) {
	defs := mustSpec(t).Definitions()
	tests := []struct {
		def, field string
		want       map[string]any // extensions
		typ        string
		format     string
	}{
		{"io.k8s.api.core.v1.PodSpec", "containers", map[string]any{
			extPatchStrategy: "merge", extPatchMergeKey: "name", extListType: "map", extListMapKeys: []any{"name"}}, "array", ""},
		{"io.k8s.api.core.v1.PodSpec", "volumes", map[string]any{
			extPatchStrategy: "merge,retainKeys", extPatchMergeKey: "name", extListType: "map", extListMapKeys: []any{"name"}}, "array", ""},
		{"io.k8s.api.core.v1.Container", "env", map[string]any{
			extPatchStrategy: "merge", extPatchMergeKey: "name", extListType: "map", extListMapKeys: []any{"name"}}, "array", ""},
		{"io.k8s.api.core.v1.Container", "ports", map[string]any{
			extPatchStrategy: "merge", extPatchMergeKey: "containerPort", extListType: "map", extListMapKeys: []any{"containerPort", "protocol"}}, "array", ""},
		{"io.k8s.api.core.v1.ServiceSpec", "ports", map[string]any{
			extPatchStrategy: "merge", extPatchMergeKey: "port", extListType: "map", extListMapKeys: []any{"port", "protocol"}}, "array", ""},
		{"io.k8s.api.core.v1.ServiceSpec", "selector", map[string]any{extMapType: "atomic"}, "object", ""},
		{"io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", "finalizers", map[string]any{
			extPatchStrategy: "merge", extListType: "set"}, "array", ""},
		{"io.k8s.api.core.v1.PodSpec", "tolerations", nil, "array", ""},
		{"io.k8s.api.core.v1.PodStatus", "hostIPs", map[string]any{
			extPatchStrategy: "merge", extPatchMergeKey: "ip", extListType: "atomic"}, "array", ""},
		{"io.k8s.api.core.v1.PersistentVolumeSpec", "claimRef", map[string]any{extMapType: "granular"}, "", ""},
		{"io.k8s.api.apps.v1.DeploymentSpec", "replicas", nil, "integer", "int32"},
		{"io.k8s.api.core.v1.PodSpec", "activeDeadlineSeconds", nil, "integer", "int64"},
		{"io.k8s.api.core.v1.PodSpec", "hostNetwork", nil, "boolean", ""},
		{"io.k8s.api.core.v1.Secret", "data", nil, "object", ""},
	}
	for _, tc := range tests {
		t.Run(tc.def+"."+tc.field, func(t *testing.T) {
			prop, ok := defs[tc.def].Properties[tc.field]
			if !ok {
				t.Fatal("missing property")
			}
			if diff := cmp.Diff(tc.want, map[string]any(prop.Extensions), emptyMapsEqual()); diff != "" {
				t.Errorf("extensions (-want +got):\n%s", diff)
			}
			if got := strings.Join(prop.Type, ","); got != tc.typ || prop.Format != tc.format {
				t.Errorf("type %q format %q, want %q %q", got, prop.Format, tc.typ, tc.format)
			}
		})
	}
}

func emptyMapsEqual() cmp.Option {
	return cmp.FilterValues(func(a, b map[string]any) bool { return len(a) == 0 && len(b) == 0 },
		cmp.Comparer(func(a, b map[string]any) bool { return true }))
}

func TestRequiredAndDescriptions(t *testing.T) {
	defs := mustSpec(t).Definitions()
	tests := []struct {
		def          string
		wantRequired []string
		field        string
		wantDoc      string
	}{
		{"io.k8s.api.core.v1.Container", []string{"name"}, "image", "Container image name."},
		{"io.k8s.api.core.v1.EnvVar", []string{"name"}, "value", "Variable references"},
		{"io.k8s.api.core.v1.ContainerPort", []string{"containerPort"}, "containerPort", "Number of port to expose"},
		{"io.k8s.api.apps.v1.DeploymentSpec", []string{"template"}, "replicas", "Number of desired pods."},
		{"io.k8s.api.apps.v1.Deployment", nil, "metadata", "Standard object's metadata."},
		{"io.k8s.api.core.v1.PodCondition", []string{"type", "status"}, "status", "Status is the status of the condition."},
	}
	for _, tc := range tests {
		t.Run(tc.def, func(t *testing.T) {
			s := defs[tc.def]
			if diff := cmp.Diff(tc.wantRequired, s.Required); diff != "" {
				t.Errorf("required (-want +got):\n%s", diff)
			}
			if doc := s.Properties[tc.field].Description; !strings.Contains(doc, tc.wantDoc) {
				t.Errorf("description of %s = %q, want it to contain %q", tc.field, doc, tc.wantDoc)
			}
			if s.Description == "" {
				t.Error("no type description")
			}
		})
	}
}

func TestNewRejectsUnknownKind(t *testing.T) {
	_, err := New(scheme.Scheme, []Resource{{GVK: schemaGVK("example.com", "v1", "Widget"), Resource: "widgets"}})
	if err == nil {
		t.Fatal("New accepted a kind the scheme does not know")
	}
}

func BenchmarkNew(b *testing.B) {
	resources := testResources()
	for b.Loop() {
		if _, err := New(scheme.Scheme, resources); err != nil {
			b.Fatal(err)
		}
	}
}
