package apiserver_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"

	"skiff/pkg/apiserver"
)

func TestDiscoveryListsEveryResource(t *testing.T) {
	t.Parallel()
	ts := start(t)
	_, lists, err := ts.kube.Discovery().ServerGroupsAndResources()
	if err != nil {
		t.Fatal(err)
	}
	served := map[string]bool{}
	for _, l := range lists {
		for _, r := range l.APIResources {
			served[l.GroupVersion+"/"+r.Name] = true
		}
	}
	for _, info := range apiserver.Resources() {
		gv := info.GVK.GroupVersion().String()
		if !served[gv+"/"+info.Resource] {
			t.Errorf("discovery lacks %s/%s", gv, info.Resource)
		}
		for _, sub := range info.Subresources {
			if !served[gv+"/"+info.Resource+"/"+sub] {
				t.Errorf("discovery lacks %s/%s/%s", gv, info.Resource, sub)
			}
		}
	}
}

func TestTableForEveryResource(t *testing.T) {
	t.Parallel()
	ts := start(t)
	for _, info := range apiserver.Resources() {
		t.Run(info.GVK.GroupVersion().String()+"/"+info.Resource, func(t *testing.T) {
			name := "tab-" + info.GVK.Version
			if _, err := resourceClient(ts.dyn, info, "default").Create(ts.ctx(), minimal(t, info, "default", name), metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
				t.Fatal(err)
			}
			path := "/apis/" + info.GVK.GroupVersion().String() + "/"
			if info.GVK.Group == "" {
				path = "/api/v1/"
			}
			if info.Namespaced {
				path += "namespaces/default/"
			}
			r := ts.do("GET", path+info.Resource, "", nil, "Accept", "application/json;as=Table;v=v1;g=meta.k8s.io")
			var tab metav1.Table
			if err := json.Unmarshal(r.body, &tab); err != nil || r.code != 200 || tab.Kind != "Table" {
				t.Fatalf("code %d err %v: %.300s", r.code, err, r.body)
			}
			var names []string
			for _, row := range tab.Rows {
				var pm metav1.PartialObjectMetadata
				if err := json.Unmarshal(row.Object.Raw, &pm); err != nil {
					t.Fatalf("row object: %v", err)
				}
				names = append(names, pm.Name)
			}
			if !slices.Contains(names, name) || len(tab.ColumnDefinitions) != len(tab.Rows[0].Cells) {
				t.Errorf("rows %v lack %s, or cells do not match %d columns", names, name, len(tab.ColumnDefinitions))
			}
		})
	}
}

func TestWatchLabelSelectorTransitions(t *testing.T) {
	t.Parallel()
	ts := start(t)
	cms := ts.kube.CoreV1().ConfigMaps("default")
	w, err := cms.Watch(ts.ctx(), metav1.ListOptions{LabelSelector: "team=a"})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	cm, err := cms.Create(ts.ctx(), &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "w", Labels: map[string]string{"team": "b"}}, Data: map[string]string{"k": "0"}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i, team := range []string{"a", "a", "b"} {
		cm.Labels["team"], cm.Data["k"] = team, fmt.Sprint(i+1)
		if cm, err = cms.Update(ts.ctx(), cm, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	got, _ := collect(t, w, 3)
	want := []seen{{watch.Added, "w", "1"}, {watch.Modified, "w", "2"}, {watch.Deleted, "w", "3"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}

func TestDeleteCollection(t *testing.T) {
	t.Parallel()
	ts := start(t)
	ts.namespace("other")
	for _, ns := range []string{"default", "other"} {
		for _, team := range []string{"a", "b"} {
			cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "cm-" + team, Labels: map[string]string{"team": team}}}
			if _, err := ts.kube.CoreV1().ConfigMaps(ns).Create(ts.ctx(), cm, metav1.CreateOptions{}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := ts.kube.CoreV1().ConfigMaps("default").DeleteCollection(ts.ctx(), metav1.DeleteOptions{}, metav1.ListOptions{LabelSelector: "team=a"}); err != nil {
		t.Fatal(err)
	}
	l, err := ts.kube.CoreV1().ConfigMaps("").List(ts.ctx(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var left []string
	for _, cm := range l.Items {
		left = append(left, cm.Namespace+"/"+cm.Name)
	}
	if diff := cmp.Diff([]string{"default/cm-b", "other/cm-a", "other/cm-b"}, left); diff != "" {
		t.Errorf("left after deletecollection (-want +got):\n%s", diff)
	}
}

func TestUpdateMissing(t *testing.T) {
	t.Parallel()
	ts := start(t)
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "ghost"}}
	if _, err := ts.kube.CoreV1().ConfigMaps("default").Update(ts.ctx(), cm, metav1.UpdateOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("update of a missing object: %v, want NotFound", err)
	}
	if err := ts.kube.CoreV1().ConfigMaps("default").Delete(ts.ctx(), "ghost", metav1.DeleteOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("delete of a missing object: %v, want NotFound", err)
	}
	_, err := ts.kube.CoreV1().ConfigMaps("default").Patch(ts.ctx(), "ghost", types.StrategicMergePatchType, []byte(`{}`), metav1.PatchOptions{})
	if !apierrors.IsNotFound(err) {
		t.Errorf("patch of a missing object: %v, want NotFound", err)
	}
}

// A cluster-scoped object sent with a namespace is accepted and stored without one, as upstream.
func TestClusterScopedIgnoresNamespace(t *testing.T) {
	t.Parallel()
	ts := start(t)
	pc := &schedulingv1.PriorityClass{ObjectMeta: metav1.ObjectMeta{Name: "high", Namespace: "default"}, Value: 10}
	got, err := ts.kube.SchedulingV1().PriorityClasses().Create(ts.ctx(), pc, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if got.Namespace != "" {
		t.Errorf("stored namespace %q, want none", got.Namespace)
	}
	got.Namespace, got.Labels = "default", map[string]string{"x": "y"}
	if got, err = ts.kube.SchedulingV1().PriorityClasses().Update(ts.ctx(), got, metav1.UpdateOptions{}); err != nil || got.Namespace != "" {
		t.Errorf("update: %v, namespace %q", err, got.Namespace)
	}
}
