package apiserver_test

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

func TestTableOutput(t *testing.T) {
	t.Parallel()
	ts := start(t)
	for _, name := range []string{"t1", "t2"} {
		if _, err := ts.kube.CoreV1().Pods("default").Create(ts.ctx(), pod(name), metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name, path string
		rows       []string
	}{
		{"list", "/api/v1/namespaces/default/pods", []string{"t1", "t2"}},
		{"get", "/api/v1/namespaces/default/pods/t2", []string{"t2"}},
		{"paged", "/api/v1/namespaces/default/pods?limit=1", []string{"t1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := ts.do("GET", tc.path, "", nil, "Accept", "application/json;as=Table;v=v1;g=meta.k8s.io, application/json")
			if r.code != 200 {
				t.Fatalf("code %d: %s", r.code, r.body)
			}
			var tab metav1.Table
			if err := json.Unmarshal(r.body, &tab); err != nil {
				t.Fatal(err)
			}
			if tab.Kind != "Table" || tab.APIVersion != "meta.k8s.io/v1" || len(tab.ColumnDefinitions) == 0 || tab.ColumnDefinitions[0].Name != "Name" {
				t.Fatalf("not a pod Table: %s", r.body)
			}
			var names []string
			for _, row := range tab.Rows {
				names = append(names, row.Cells[0].(string))
				var pm metav1.PartialObjectMetadata
				if err := json.Unmarshal(row.Object.Raw, &pm); err != nil || pm.Kind != "PartialObjectMetadata" || pm.Name != row.Cells[0] {
					t.Errorf("row object %s (err %v), want the row's PartialObjectMetadata", row.Object.Raw, err)
				}
			}
			if diff := cmp.Diff(tc.rows, names); diff != "" {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
			if tc.name == "paged" && tab.Continue == "" {
				t.Errorf("paged table lacks continue")
			}
		})
	}
}

func TestPartialObjectMetadataList(t *testing.T) {
	t.Parallel()
	ts := start(t)
	if _, err := ts.kube.CoreV1().ConfigMaps("default").Create(ts.ctx(), &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "pm", Labels: map[string]string{"a": "b"}}, Data: map[string]string{"secret": "x"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	r := ts.do("GET", "/api/v1/namespaces/default/configmaps", "", nil, "Accept", "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io")
	var l metav1.PartialObjectMetadataList
	if err := json.Unmarshal(r.body, &l); err != nil || r.code != 200 {
		t.Fatalf("code %d err %v: %s", r.code, err, r.body)
	}
	if l.Kind != "PartialObjectMetadataList" || len(l.Items) != 1 || l.Items[0].Name != "pm" || l.Items[0].Labels["a"] != "b" || l.ResourceVersion == "" {
		t.Errorf("unexpected list: %s", r.body)
	}
	var raw map[string]any
	json.Unmarshal(r.body, &raw)
	if item := raw["items"].([]any)[0].(map[string]any); item["data"] != nil {
		t.Errorf("partial metadata carries data: %v", item)
	}
	r = ts.do("GET", "/api/v1/namespaces/default/configmaps/pm", "", nil, "Accept", "application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io")
	var pm metav1.PartialObjectMetadata
	if err := json.Unmarshal(r.body, &pm); err != nil || pm.Kind != "PartialObjectMetadata" || pm.Name != "pm" {
		t.Errorf("get as PartialObjectMetadata: %v %s", err, r.body)
	}
}

func TestProtobuf(t *testing.T) {
	t.Parallel()
	ts := start(t)
	cfg := rest.CopyConfig(ts.cfg)
	cfg.ContentType = runtime.ContentTypeProtobuf
	cfg.AcceptContentTypes = runtime.ContentTypeProtobuf
	kube := kubernetes.NewForConfigOrDie(cfg)
	pods := kube.CoreV1().Pods("default")
	w, err := pods.Watch(ts.ctx(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	in := pod("pb")
	in.Labels = map[string]string{"enc": "proto"}
	created, err := pods.Create(ts.ctx(), in, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("protobuf create: %v", err)
	}
	got, err := pods.Get(ts.ctx(), "pb", metav1.GetOptions{})
	if err != nil || got.Labels["enc"] != "proto" || got.UID != created.UID {
		t.Fatalf("protobuf get: %v %v", err, got)
	}
	l, err := pods.List(ts.ctx(), metav1.ListOptions{})
	if err != nil || len(l.Items) != 1 || l.Items[0].Name != "pb" {
		t.Fatalf("protobuf list: %v %v", err, l)
	}
	got.Labels["enc"] = "proto2"
	if _, err := pods.Update(ts.ctx(), got, metav1.UpdateOptions{}); err != nil {
		t.Fatalf("protobuf update: %v", err)
	}
	var events []string
	for len(events) < 2 {
		e := <-w.ResultChan()
		p, ok := e.Object.(*corev1.Pod)
		if !ok {
			t.Fatalf("watch event %s %T", e.Type, e.Object)
		}
		events = append(events, string(e.Type)+" "+p.Labels["enc"])
	}
	if diff := cmp.Diff([]string{string(watch.Added) + " proto", string(watch.Modified) + " proto2"}, events); diff != "" {
		t.Errorf("protobuf watch (-want +got):\n%s", diff)
	}
	_, err = pods.Get(ts.ctx(), "missing", metav1.GetOptions{})
	if codeOf(err) != 404 {
		t.Errorf("protobuf get of a missing pod: %v, want 404", err)
	}
}
