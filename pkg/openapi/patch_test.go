package openapi

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/strategicpatch"
	"k8s.io/client-go/openapi3"
	"k8s.io/kube-openapi/pkg/validation/spec"
)

// TestStrategicMergePatchFromV3 builds a three-way patch the way
// `kubectl apply` does from the served v3 document, and checks that lists
// with merge keys are patched element by element.
func TestStrategicMergePatchFromV3(t *testing.T) {
	dc, _, _ := startServer(t)
	doc, err := openapi3.NewRoot(dc.OpenAPIV3()).GVSpec(schema.GroupVersion{Group: "apps", Version: "v1"})
	if err != nil {
		t.Fatal(err)
	}
	var deployment *spec.Schema
	for _, s := range doc.Components.Schemas {
		var kinds []map[string]string
		if s.Extensions.GetObject(extGVK, &kinds) == nil && len(kinds) == 1 && kinds[0]["kind"] == "Deployment" {
			deployment = s
		}
	}
	if deployment == nil {
		t.Fatal("no schema for apps/v1 Deployment")
	}
	meta := strategicpatch.PatchMetaFromOpenAPIV3{Schema: deployment, SchemaList: doc.Components.Schemas}

	containers := func(cs ...string) []byte {
		list := []map[string]any{}
		for _, c := range cs {
			list = append(list, map[string]any{"name": c, "image": c + ":1"})
		}
		b, _ := json.Marshal(map[string]any{"spec": map[string]any{"template": map[string]any{"spec": map[string]any{"containers": list}}}})
		return b
	}
	patch, err := strategicpatch.CreateThreeWayMergePatch(containers("web"), containers("web", "sidecar"), containers("web"), meta, false)
	if err != nil {
		t.Fatalf("CreateThreeWayMergePatch: %v", err)
	}
	var got map[string]any
	if err := json.Unmarshal(patch, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"spec": map[string]any{"template": map[string]any{"spec": map[string]any{
		"$setElementOrder/containers": []any{map[string]any{"name": "web"}, map[string]any{"name": "sidecar"}},
		"containers":                  []any{map[string]any{"name": "sidecar", "image": "sidecar:1"}},
	}}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("patch (-want +got):\n%s", diff)
	}
}
