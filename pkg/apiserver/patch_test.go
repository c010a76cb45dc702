package apiserver_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

func TestPatchTypes(t *testing.T) {
	t.Parallel()
	ts := start(t)
	pods := ts.kube.CoreV1().Pods("default")
	in := pod("patched")
	in.Spec.Containers = append(in.Spec.Containers, corev1.Container{Name: "d", Image: "busybox:1.36"})
	in.Labels = map[string]string{"a": "1", "b": "2"}
	if _, err := pods.Create(ts.ctx(), in, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		pt     types.PatchType
		patch  string
		labels map[string]string
		images []string
	}{
		{"json", types.JSONPatchType, `[{"op":"replace","path":"/metadata/labels/a","value":"j"},{"op":"remove","path":"/metadata/labels/b"}]`,
			map[string]string{"a": "j"}, []string{"busybox:1.36", "busybox:1.36"}},
		{"merge", types.MergePatchType, `{"metadata":{"labels":{"m":"1"}}}`,
			map[string]string{"a": "j", "m": "1"}, []string{"busybox:1.36", "busybox:1.36"}},
		// A strategic merge patch merges containers by name; a merge patch would replace the list.
		{"strategic", types.StrategicMergePatchType, `{"spec":{"containers":[{"name":"d","image":"busybox:1.37"}]}}`,
			map[string]string{"a": "j", "m": "1"}, []string{"busybox:1.36", "busybox:1.37"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := pods.Patch(ts.ctx(), "patched", tc.pt, []byte(tc.patch), metav1.PatchOptions{})
			if err != nil {
				t.Fatal(err)
			}
			var images []string
			for _, c := range got.Spec.Containers {
				images = append(images, c.Image)
			}
			if diff := cmp.Diff([]any{tc.labels, tc.images}, []any{got.Labels, images}); diff != "" {
				t.Errorf("[labels, images] (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPatchErrors(t *testing.T) {
	t.Parallel()
	ts := start(t)
	if _, err := ts.kube.CoreV1().ConfigMaps("default").Create(ts.ctx(), &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "c"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, ct, body string
		code           int
	}{
		{"malformed json patch", "application/json-patch+json", `{"op":`, 400},
		{"json patch test fails", "application/json-patch+json", `[{"op":"test","path":"/data/x","value":"1"}]`, 422},
		{"malformed merge patch", "application/merge-patch+json", `{`, 400},
		{"malformed strategic patch", "application/strategic-merge-patch+json", `[`, 400},
		{"unknown patch type", "text/plain", `{}`, 415},
		{"apply without fieldManager", "application/apply-patch+yaml", `{"apiVersion":"v1","kind":"ConfigMap"}`, 400},
		{"missing", "application/merge-patch+json", `{}`, 404},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := "/api/v1/namespaces/default/configmaps/c"
			if tc.code == 404 {
				path += "x"
			}
			r := ts.do("PATCH", path, tc.ct, []byte(tc.body))
			if st := r.status(t); st.Code != int32(tc.code) {
				t.Errorf("code %d, want %d: %s", st.Code, tc.code, r.body)
			}
		})
	}
}

func TestServerSideApply(t *testing.T) {
	t.Parallel()
	ts := start(t)
	cms := ts.kube.CoreV1().ConfigMaps("default")
	apply := func(mgr string, force bool, data string) (*corev1.ConfigMap, error) {
		body := `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"ssa"},"data":` + data + `}`
		return cms.Patch(ts.ctx(), "ssa", types.ApplyPatchType, []byte(body), metav1.PatchOptions{FieldManager: mgr, Force: ptr(force)})
	}
	cm, err := apply("alice", false, `{"a":"1","b":"1"}`)
	if err != nil {
		t.Fatalf("apply create: %v", err)
	}
	if diff := cmp.Diff(managers(cm), []string{"alice/Apply"}); diff != "" {
		t.Errorf("managers after create (-want +got):\n%s", diff)
	}
	if _, err := apply("bob", false, `{"c":"1"}`); err != nil {
		t.Fatalf("apply of a disjoint field: %v", err)
	}
	_, err = apply("bob", false, `{"a":"2"}`)
	if codeOf(err) != 409 || reasonOf(err) != metav1.StatusReasonConflict {
		t.Fatalf("conflicting apply: %v, want 409 Conflict", err)
	}
	cm, err = apply("bob", true, `{"a":"2"}`)
	if err != nil {
		t.Fatalf("forced apply: %v", err)
	}
	// bob's second apply no longer names c: bob gives it up and it is removed.
	if diff := cmp.Diff(map[string]string{"a": "2", "b": "1"}, cm.Data); diff != "" {
		t.Errorf("data after forced apply (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"alice/Apply", "bob/Apply"}, managers(cm)); diff != "" {
		t.Errorf("managers (-want +got):\n%s", diff)
	}
	// An update by another manager takes ownership of what it changes: alice owns nothing left.
	cm.Data["b"] = "3"
	if cm, err = cms.Update(ts.ctx(), cm, metav1.UpdateOptions{FieldManager: "carol"}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"bob/Apply", "carol/Update"}, managers(cm)); diff != "" {
		t.Errorf("managers after update (-want +got):\n%s", diff)
	}
	if _, err := apply("alice", false, `{"a":"1","b":"1"}`); codeOf(err) != 409 {
		t.Errorf("apply over fields owned by others: %v, want 409", err)
	}
}

func managers(cm *corev1.ConfigMap) []string {
	var out []string
	for _, m := range cm.ManagedFields {
		out = append(out, m.Manager+"/"+string(m.Operation))
	}
	return out
}

func TestServerSideApplyStatus(t *testing.T) {
	t.Parallel()
	ts := start(t)
	pods := ts.kube.CoreV1().Pods("default")
	if _, err := pods.Create(ts.ctx(), pod("s"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	body := `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"s","labels":{"ignored":"yes"}},"status":{"phase":"Running"}}`
	got, err := pods.Patch(ts.ctx(), "s", types.ApplyPatchType, []byte(body), metav1.PatchOptions{FieldManager: "kubelet"}, "status")
	if err != nil {
		t.Fatal(err)
	}
	if got.Status.Phase != corev1.PodRunning || got.Labels["ignored"] != "" {
		t.Errorf("status apply: phase %q labels %v, want Running and no labels", got.Status.Phase, got.Labels)
	}
}
