package openapi

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	openapi_v2 "github.com/google/gnostic-models/openapiv2"
	openapi_v3 "github.com/google/gnostic-models/openapiv3"
	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/proto"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/cli-runtime/pkg/resource"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/openapi"
	"k8s.io/client-go/openapi3"
	"k8s.io/client-go/rest"
	"k8s.io/kube-openapi/pkg/handler3"
	"k8s.io/kube-openapi/pkg/spec3"
	protomodels "k8s.io/kube-openapi/pkg/util/proto"
	explainv2 "k8s.io/kubectl/pkg/explain/v2"
)

// startServer serves the test Spec over HTTP and returns a discovery client
// and a dynamic client for it.
func startServer(t *testing.T) (*discovery.DiscoveryClient, dynamic.Interface, string) {
	t.Helper()
	srv := httptest.NewServer(mustSpec(t))
	t.Cleanup(srv.Close)
	cfg := &rest.Config{Host: srv.URL}
	dc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return dc, dyn, srv.URL
}

func TestQueryParamVerifiers(t *testing.T) {
	dc, dyn, _ := startServer(t)
	kinds := []schema.GroupVersionKind{
		{Group: "apps", Version: "v1", Kind: "Deployment"},
		{Version: "v1", Kind: "Pod"},
		{Version: "v1", Kind: "Namespace"},
		{Group: "autoscaling", Version: "v2", Kind: "HorizontalPodAutoscaler"},
		{Group: "rbac.authorization.k8s.io", Version: "v1", Kind: "ClusterRole"},
	}
	for _, param := range []resource.VerifiableQueryParam{resource.QueryParamFieldValidation, "dryRun"} {
		verifiers := map[string]resource.Verifier{
			"v3": resource.NewQueryParamVerifierV3(dyn, dc.OpenAPIV3(), param),
			"v2": resource.NewQueryParamVerifier(dyn, dc, param),
		}
		for name, v := range verifiers {
			for _, gvk := range kinds {
				t.Run(name+"/"+string(param)+"/"+gvk.Kind, func(t *testing.T) {
					if err := v.HasSupport(gvk); err != nil {
						t.Errorf("HasSupport: %v", err)
					}
				})
			}
		}
	}
}

func TestV2Protobuf(t *testing.T) {
	dc, _, _ := startServer(t)
	doc, err := dc.OpenAPISchema()
	if err != nil {
		t.Fatalf("OpenAPISchema: %v", err)
	}
	var deployment *openapi_v2.Schema
	for _, d := range doc.GetDefinitions().GetAdditionalProperties() {
		if d.GetName() == "io.k8s.api.apps.v1.Deployment" {
			deployment = d.GetValue()
		}
	}
	if deployment == nil {
		t.Fatal("no Deployment definition in the protobuf document")
	}
	if !strings.Contains(deployment.GetDescription(), "declarative updates") {
		t.Errorf("Deployment description = %q", deployment.GetDescription())
	}
	if n := len(doc.GetPaths().GetPath()); n < 100 {
		t.Errorf("only %d paths", n)
	}
	// kubectl's v2 fallbacks (client-side apply, validation) parse the
	// document into models.
	models, err := protomodels.NewOpenAPIData(doc)
	if err != nil {
		t.Fatalf("NewOpenAPIData: %v", err)
	}
	kind, ok := models.LookupModel("io.k8s.api.core.v1.PodSpec").(*protomodels.Kind)
	if !ok {
		t.Fatal("no PodSpec model")
	}
	if got := kind.Fields["containers"].GetExtensions()[extPatchMergeKey]; got != "name" {
		t.Errorf("containers patch merge key = %v, want name", got)
	}
}

func TestV2JSON(t *testing.T) {
	_, _, url := startServer(t)
	resp := get(t, url+"/openapi/v2", "application/json")
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}
	var doc struct {
		Swagger     string                     `json:"swagger"`
		Definitions map[string]json.RawMessage `json:"definitions"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	if doc.Swagger != "2.0" || doc.Definitions["io.k8s.api.core.v1.Pod"] == nil {
		t.Errorf("swagger %q, %d definitions, no Pod", doc.Swagger, len(doc.Definitions))
	}
	etag := resp.Header.Get("Etag")
	if etag == "" {
		t.Fatal("no Etag")
	}
	req, _ := http.NewRequest(http.MethodGet, url+"/openapi/v2", nil)
	req.Header.Set("If-None-Match", etag)
	again, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	again.Body.Close()
	if again.StatusCode != http.StatusNotModified {
		t.Errorf("conditional GET status %d, want 304", again.StatusCode)
	}
}

func get(t *testing.T, url, accept string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", accept)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d", url, resp.StatusCode)
	}
	return resp
}

func TestV3Discovery(t *testing.T) {
	_, _, url := startServer(t)
	var disco handler3.OpenAPIV3Discovery
	if err := json.NewDecoder(get(t, url+"/openapi/v3", "application/json").Body).Decode(&disco); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"api/v1", "apis/apps/v1", "apis/autoscaling/v1", "apis/rbac.authorization.k8s.io/v1"} {
		gv, ok := disco.Paths[p]
		if !ok {
			t.Errorf("discovery lacks %s", p)
			continue
		}
		if !strings.HasPrefix(gv.ServerRelativeURL, "/openapi/v3/"+p+"?hash=") {
			t.Errorf("%s: serverRelativeURL %q", p, gv.ServerRelativeURL)
		}
	}
	resp := get(t, url+disco.Paths["apis/apps/v1"].ServerRelativeURL, "application/json")
	if cc := resp.Header.Get("Cache-Control"); cc != "public, immutable" {
		t.Errorf("Cache-Control with hash = %q", cc)
	}
}

func TestV3DocumentsResolve(t *testing.T) {
	dc, _, _ := startServer(t)
	root := openapi3.NewRoot(dc.OpenAPIV3())
	gvs, err := root.GroupVersions()
	if err != nil {
		t.Fatal(err)
	}
	for _, gv := range gvs {
		t.Run(gv.String(), func(t *testing.T) {
			doc, err := root.GVSpec(gv)
			if err != nil {
				t.Fatal(err)
			}
			checkV3Refs(t, doc)
		})
	}
}

// checkV3Refs fails for references in the components that do not resolve.
func checkV3Refs(t *testing.T, doc *spec3.OpenAPI) {
	t.Helper()
	schemas := doc.Components.Schemas
	if len(schemas) == 0 || len(doc.Paths.Paths) == 0 {
		t.Fatalf("%d schemas, %d paths", len(schemas), len(doc.Paths.Paths))
	}
	for name, s := range schemas {
		walkRefs(s, func(ref string) {
			if !strings.HasPrefix(ref, "#/components/schemas/") || schemas[refName(ref)] == nil {
				t.Errorf("%s: unresolved reference %q", name, ref)
			}
		})
	}
}

func TestV3Protobuf(t *testing.T) {
	dc, _, _ := startServer(t)
	paths, err := dc.OpenAPIV3().Paths()
	if err != nil {
		t.Fatal(err)
	}
	data, err := paths["apis/apps/v1"].Schema(openapi.ContentTypeOpenAPIV3PB)
	if err != nil {
		t.Fatal(err)
	}
	var doc openapi_v3.Document
	if err := proto.Unmarshal(data, &doc); err != nil {
		t.Fatalf("unmarshal v3 protobuf: %v", err)
	}
	found := false
	for _, s := range doc.GetComponents().GetSchemas().GetAdditionalProperties() {
		found = found || s.GetName() == "io.k8s.api.apps.v1.Deployment"
	}
	if !found {
		t.Error("no Deployment schema in the v3 protobuf document")
	}
}

func TestExplain(t *testing.T) {
	dc, _, _ := startServer(t)
	tests := []struct {
		gvr   schema.GroupVersionResource
		path  []string
		wants []string
	}{
		{schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "deployments"}, []string{"spec", "replicas"},
			[]string{"KIND:       Deployment", "FIELD: replicas <integer>", "Number of desired pods."}},
		{schema.GroupVersionResource{Version: "v1", Resource: "pods"}, []string{"spec", "containers"},
			[]string{"FIELD: containers <[]Container>", "List of containers belonging to the pod.", "name\t<string> -required-"}},
		{schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}, nil,
			[]string{"KIND:       Namespace", "Namespace provides a scope for Names."}},
	}
	for _, tc := range tests {
		t.Run(tc.gvr.Resource, func(t *testing.T) {
			var out bytes.Buffer
			err := explainv2.PrintModelDescription(tc.path, &out, dc.OpenAPIV3(), tc.gvr, false, 0, "plaintext")
			if err != nil {
				t.Fatalf("explain: %v", err)
			}
			for _, want := range tc.wants {
				if !strings.Contains(out.String(), want) {
					t.Errorf("output lacks %q:\n%s", want, out.String())
				}
			}
		})
	}
}

func TestServeHTTPErrors(t *testing.T) {
	s := mustSpec(t)
	tests := []struct {
		method, path string
		want         int
	}{
		{http.MethodGet, "/openapi/v3/apis/example.com/v1", http.StatusNotFound},
		{http.MethodGet, "/openapi/v4", http.StatusNotFound},
		{http.MethodPost, "/openapi/v2", http.StatusMethodNotAllowed},
		{http.MethodGet, "/openapi/v3/api/v1", http.StatusOK},
	}
	for _, tc := range tests {
		t.Run(tc.method+tc.path, func(t *testing.T) {
			w := httptest.NewRecorder()
			s.ServeHTTP(w, httptest.NewRequest(tc.method, tc.path, nil))
			io.Copy(io.Discard, w.Body)
			if diff := cmp.Diff(tc.want, w.Code); diff != "" {
				t.Errorf("status (-want +got):\n%s", diff)
			}
		})
	}
}
