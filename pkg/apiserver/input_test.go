package apiserver_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

func TestDryRunWritesNothing(t *testing.T) {
	t.Parallel()
	ts := start(t)
	cms := ts.kube.CoreV1().ConfigMaps("default")
	dry := []string{metav1.DryRunAll}
	cm, err := cms.Create(ts.ctx(), &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "d"}, Data: map[string]string{"k": "1"}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	before := revision(t, ts)
	steps := []struct {
		name string
		do   func() error
	}{
		{"create", func() error {
			got, err := cms.Create(ts.ctx(), &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "new"}}, metav1.CreateOptions{DryRun: dry})
			if err == nil && got.Name != "new" {
				t.Errorf("dry-run create returned %q", got.Name)
			}
			return err
		}},
		{"update", func() error {
			in := cm.DeepCopy()
			in.Data["k"] = "2"
			got, err := cms.Update(ts.ctx(), in, metav1.UpdateOptions{DryRun: dry})
			if err == nil && got.Data["k"] != "2" {
				t.Errorf("dry-run update returned data %v", got.Data)
			}
			return err
		}},
		{"patch", func() error {
			_, err := cms.Patch(ts.ctx(), "d", types.MergePatchType, []byte(`{"data":{"k":"3"}}`), metav1.PatchOptions{DryRun: dry})
			return err
		}},
		{"apply", func() error {
			body := `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"applied"}}`
			_, err := cms.Patch(ts.ctx(), "applied", types.ApplyPatchType, []byte(body), metav1.PatchOptions{DryRun: dry, FieldManager: "m"})
			return err
		}},
		{"delete", func() error { return cms.Delete(ts.ctx(), "d", metav1.DeleteOptions{DryRun: dry}) }},
		{"deletecollection", func() error {
			return cms.DeleteCollection(ts.ctx(), metav1.DeleteOptions{DryRun: dry}, metav1.ListOptions{})
		}},
	}
	for _, st := range steps {
		if err := st.do(); err != nil {
			t.Errorf("dry-run %s: %v", st.name, err)
		}
	}
	if after := revision(t, ts); after != before {
		t.Errorf("etcd revision moved from %d to %d during dry runs", before, after)
	}
	got, err := cms.Get(ts.ctx(), "d", metav1.GetOptions{})
	if err != nil || got.Data["k"] != "1" {
		t.Errorf("after dry runs: %v %v", err, got)
	}
	if _, err := cms.Get(ts.ctx(), "new", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("dry-run create left an object: %v", err)
	}
}

func revision(t *testing.T, ts *testServer) int64 {
	t.Helper()
	resp, err := ts.etcd.Get(ts.ctx(), "revision-probe")
	if err != nil {
		t.Fatal(err)
	}
	return resp.Header.Revision
}

func TestFieldValidation(t *testing.T) {
	t.Parallel()
	ts := start(t)
	body := `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"NAME"},"data":{"k":"v"},"bogus":1}`
	tests := []struct {
		mode    string
		code    int
		warning bool
	}{
		{"Strict", 400, false},
		{"Warn", 201, true},
		{"", 201, true},
		{"Ignore", 201, false},
	}
	for _, tc := range tests {
		t.Run("mode "+tc.mode, func(t *testing.T) {
			name := "fv-" + strings.ToLower(tc.mode) + "x"
			r := ts.do("POST", "/api/v1/namespaces/default/configmaps?fieldValidation="+tc.mode, "application/json", []byte(strings.Replace(body, "NAME", name, 1)))
			if r.code != tc.code {
				t.Fatalf("code %d, want %d: %s", r.code, tc.code, r.body)
			}
			if tc.code == 400 && !strings.Contains(r.status(t).Message, `unknown field "bogus"`) {
				t.Errorf("message %q lacks unknown field", r.status(t).Message)
			}
			warn := r.header.Get("Warning")
			if got := strings.Contains(warn, `unknown field \"bogus\"`); got != tc.warning {
				t.Errorf("Warning header %q, want warning %v", warn, tc.warning)
			}
		})
	}
	t.Run("duplicate field strict", func(t *testing.T) {
		dup := `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"dup","name":"dup"}}`
		r := ts.do("POST", "/api/v1/namespaces/default/configmaps?fieldValidation=Strict", "application/json", []byte(dup))
		if r.code != 400 || !strings.Contains(r.status(t).Message, "duplicate field") {
			t.Errorf("code %d: %s", r.code, r.body)
		}
	})
}

func TestValidationErrors(t *testing.T) {
	t.Parallel()
	ts := start(t)
	noImage := pod("bad")
	noImage.Spec.Containers[0].Image = ""
	_, err := ts.kube.CoreV1().Pods("default").Create(ts.ctx(), noImage, metav1.CreateOptions{})
	checkInvalid(t, "pod without image", err, "spec.containers[0].image")

	badName := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "Not_A_Name"}}
	_, err = ts.kube.CoreV1().ConfigMaps("default").Create(ts.ctx(), badName, metav1.CreateOptions{})
	checkInvalid(t, "bad name", err, "metadata.name")

	deps := ts.kube.AppsV1().Deployments("default")
	d, err := deps.Create(ts.ctx(), deployment("imm"), metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	d.Spec.Selector = &metav1.LabelSelector{MatchLabels: map[string]string{"app": "imm", "x": "y"}}
	d.Spec.Template.Labels = map[string]string{"app": "imm", "x": "y"}
	_, err = deps.Update(ts.ctx(), d, metav1.UpdateOptions{})
	checkInvalid(t, "deployment selector change", err, "spec.selector")

	var mismatch *appsv1.Deployment = deployment("mismatch")
	mismatch.Spec.Template.Labels = map[string]string{"app": "other"}
	_, err = deps.Create(ts.ctx(), mismatch, metav1.CreateOptions{})
	checkInvalid(t, "selector does not match template", err, "spec.template.metadata.labels")
}

// checkInvalid checks err is a 422 Invalid naming field among its causes.
func checkInvalid(t *testing.T, name string, err error, field string) {
	t.Helper()
	var st apierrors.APIStatus
	if !apierrors.IsInvalid(err) || codeOf(err) != 422 || !asStatus(err, &st) || st.Status().Details == nil {
		t.Errorf("%s: err %v, want 422 Invalid with details", name, err)
		return
	}
	var fields []string
	for _, c := range st.Status().Details.Causes {
		fields = append(fields, c.Field)
		if c.Field == field {
			return
		}
	}
	t.Errorf("%s: causes %v lack field %s", name, fields, field)
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	ts := start(t)
	ts.do("POST", "/api/v1/namespaces/default/configmaps", "application/json", []byte(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"exists"}}`))
	big := append([]byte(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"big"},"data":{"k":"`), bytes.Repeat([]byte("x"), 3<<20+1)...)
	big = append(big, `"}}`...)
	cm := func(apiVersion, kind, ns string) []byte {
		return []byte(`{"apiVersion":"` + apiVersion + `","kind":"` + kind + `","metadata":{"name":"x","namespace":"` + ns + `"}}`)
	}
	tests := []struct {
		name, method, path, ct string
		body                   []byte
		code                   int
		reason                 metav1.StatusReason
	}{
		{"malformed json", "POST", "/api/v1/namespaces/default/configmaps", "application/json", []byte(`{"apiVersion":`), 400, metav1.StatusReasonBadRequest},
		{"malformed yaml", "POST", "/api/v1/namespaces/default/configmaps", "application/yaml", []byte("apiVersion: v1\nkind: [ConfigMap\n"), 400, metav1.StatusReasonBadRequest},
		{"too large", "POST", "/api/v1/namespaces/default/configmaps", "application/json", big, 413, metav1.StatusReasonRequestEntityTooLarge},
		{"too large update", "PUT", "/api/v1/namespaces/default/configmaps/exists", "application/json", big, 413, metav1.StatusReasonRequestEntityTooLarge},
		{"unknown resource", "GET", "/api/v1/namespaces/default/widgets", "", nil, 404, metav1.StatusReasonNotFound},
		{"unknown group", "GET", "/apis/example.com/v1/widgets", "", nil, 404, metav1.StatusReasonNotFound},
		{"missing object", "GET", "/api/v1/namespaces/default/configmaps/nope", "", nil, 404, metav1.StatusReasonNotFound},
		{"kind mismatch", "POST", "/api/v1/namespaces/default/configmaps", "application/json", cm("v1", "Secret", ""), 400, metav1.StatusReasonBadRequest},
		{"apiVersion mismatch", "POST", "/api/v1/namespaces/default/configmaps", "application/json", cm("apps/v1", "ConfigMap", ""), 400, metav1.StatusReasonBadRequest},
		{"namespace mismatch", "POST", "/api/v1/namespaces/default/configmaps", "application/json", cm("v1", "ConfigMap", "other"), 400, metav1.StatusReasonBadRequest},
		{"missing namespace", "POST", "/api/v1/namespaces/nowhere/configmaps", "application/json", cm("v1", "ConfigMap", ""), 404, metav1.StatusReasonNotFound},
		{"name mismatch on update", "PUT", "/api/v1/namespaces/default/configmaps/exists", "application/json", cm("v1", "ConfigMap", ""), 400, metav1.StatusReasonBadRequest},
		{"empty body", "POST", "/api/v1/namespaces/default/configmaps", "application/json", nil, 400, metav1.StatusReasonBadRequest},
		{"unsupported media type", "POST", "/api/v1/namespaces/default/configmaps", "text/plain", cm("v1", "ConfigMap", ""), 415, metav1.StatusReasonUnsupportedMediaType},
		{"method not allowed", "PUT", "/api/v1/namespaces/default/configmaps", "application/json", cm("v1", "ConfigMap", ""), 405, metav1.StatusReasonMethodNotAllowed},
		{"unknown subresource", "GET", "/api/v1/namespaces/default/configmaps/exists/status", "", nil, 404, metav1.StatusReasonNotFound},
		{"unknown path", "GET", "/nonexistent", "", nil, 404, metav1.StatusReasonNotFound},
		{"unknown version", "GET", "/apis/apps/v9/deployments", "", nil, 404, metav1.StatusReasonNotFound},
		{"cluster-scoped under a namespace", "GET", "/api/v1/namespaces/default/nodes", "", nil, 404, metav1.StatusReasonNotFound},
		{"bad dryRun", "POST", "/api/v1/namespaces/default/configmaps?dryRun=Some", "application/json", cm("v1", "ConfigMap", ""), 400, metav1.StatusReasonBadRequest},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := ts.do(tc.method, tc.path, tc.ct, tc.body)
			st := r.status(t)
			if diff := cmp.Diff([]any{tc.code, tc.reason}, []any{r.code, st.Reason}); diff != "" {
				t.Errorf("[code, reason] (-want +got):\n%s\nbody: %.300s", diff, r.body)
			}
		})
	}
	t.Run("not acceptable", func(t *testing.T) {
		r := ts.do("GET", "/api/v1/namespaces/default/configmaps", "", nil, "Accept", "text/html")
		if st := r.status(t); st.Code != 406 {
			t.Errorf("code %d, want 406", st.Code)
		}
	})
}

func TestYAML(t *testing.T) {
	t.Parallel()
	ts := start(t)
	body := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: yml\ndata:\n  k: v\n"
	r := ts.do("POST", "/api/v1/namespaces/default/configmaps", "application/yaml", []byte(body))
	if r.code != 201 {
		t.Fatalf("yaml create: %d %s", r.code, r.body)
	}
	r = ts.do("GET", "/api/v1/namespaces/default/configmaps/yml", "", nil, "Accept", "application/yaml")
	if r.code != 200 || r.header.Get("Content-Type") != "application/yaml" || !strings.Contains(string(r.body), "\n  k: v\n") {
		t.Errorf("yaml get: %d %q %s", r.code, r.header.Get("Content-Type"), r.body)
	}
}
