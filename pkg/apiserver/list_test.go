package apiserver_test

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestListPagingAtOneRevision(t *testing.T) {
	t.Parallel()
	ts := start(t)
	cms := ts.kube.CoreV1().ConfigMaps("default")
	for i := range 5 {
		if _, err := cms.Create(ts.ctx(), &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("p%d", i)}}, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	var names []string
	var rvs []string
	opts := metav1.ListOptions{Limit: 2}
	for page := 0; ; page++ {
		l, err := cms.List(ts.ctx(), opts)
		if err != nil {
			t.Fatalf("page %d: %v", page, err)
		}
		for _, cm := range l.Items {
			names = append(names, cm.Name)
		}
		rvs = append(rvs, l.ResourceVersion)
		if page == 0 {
			// Written after the first page: not part of this list.
			if _, err := cms.Create(ts.ctx(), &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "p9"}}, metav1.CreateOptions{}); err != nil {
				t.Fatal(err)
			}
			if l.RemainingItemCount == nil || *l.RemainingItemCount != 3 {
				t.Errorf("remainingItemCount %v, want 3", l.RemainingItemCount)
			}
		}
		if l.Continue == "" {
			break
		}
		opts.Continue = l.Continue
	}
	if diff := cmp.Diff([]string{"p0", "p1", "p2", "p3", "p4"}, names); diff != "" {
		t.Errorf("paged names (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{rvs[0], rvs[0], rvs[0]}, rvs); diff != "" {
		t.Errorf("page resourceVersions (-want +got):\n%s", diff)
	}
	_, err := cms.List(ts.ctx(), metav1.ListOptions{Continue: "garbage"})
	if codeOf(err) != 400 {
		t.Errorf("bad continue token: %v, want 400", err)
	}
}

func TestListSelectors(t *testing.T) {
	t.Parallel()
	ts := start(t)
	ts.namespace("other")
	pods := []struct {
		ns, name, node string
		labels         map[string]string
		phase          corev1.PodPhase
	}{
		{"default", "a", "n1", map[string]string{"app": "web", "tier": "fe"}, corev1.PodRunning},
		{"default", "b", "n2", map[string]string{"app": "web"}, corev1.PodPending},
		{"default", "c", "", map[string]string{"app": "db"}, corev1.PodPending},
		{"other", "a", "n1", map[string]string{"app": "web"}, corev1.PodSucceeded},
	}
	for _, p := range pods {
		in := pod(p.name)
		in.Labels, in.Spec.NodeName = p.labels, p.node
		created, err := ts.kube.CoreV1().Pods(p.ns).Create(ts.ctx(), in, metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		created.Status.Phase = p.phase
		if _, err := ts.kube.CoreV1().Pods(p.ns).UpdateStatus(ts.ctx(), created, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name, ns, labels, fields string
		want                     []string
	}{
		{"all", "", "", "", []string{"default/a", "default/b", "default/c", "other/a"}},
		{"namespace path", "other", "", "", []string{"other/a"}},
		{"label equality", "", "app=web", "", []string{"default/a", "default/b", "other/a"}},
		{"label set and exists", "", "app in (db,web),tier", "", []string{"default/a"}},
		{"label not", "default", "app!=web", "", []string{"default/c"}},
		{"metadata.name", "", "", "metadata.name=a", []string{"default/a", "other/a"}},
		{"metadata.namespace", "", "", "metadata.namespace=other", []string{"other/a"}},
		{"spec.nodeName", "", "", "spec.nodeName=n1", []string{"default/a", "other/a"}},
		{"unscheduled", "", "", "spec.nodeName=", []string{"default/c"}},
		{"status.phase", "", "", "status.phase=Pending", []string{"default/b", "default/c"}},
		{"phase not", "", "", "status.phase!=Pending", []string{"default/a", "other/a"}},
		{"label and field", "", "app=web", "status.phase=Pending", []string{"default/b"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l, err := ts.kube.CoreV1().Pods(tc.ns).List(ts.ctx(), metav1.ListOptions{LabelSelector: tc.labels, FieldSelector: tc.fields})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range l.Items {
				got = append(got, p.Namespace+"/"+p.Name)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestListBadSelectors(t *testing.T) {
	t.Parallel()
	ts := start(t)
	tests := []struct{ name, path string }{
		{"unsupported field", "/api/v1/pods?fieldSelector=spec.priority%3D1"},
		{"unsupported field on configmaps", "/api/v1/configmaps?fieldSelector=spec.nodeName%3Dn"},
		{"bad field syntax", "/api/v1/pods?fieldSelector=metadata.name"},
		{"bad label syntax", "/api/v1/pods?labelSelector=a%20in%20(b"},
		{"bad limit", "/api/v1/pods?limit=-1"},
		{"unsupported field on watch", "/api/v1/pods?watch=true&fieldSelector=spec.priority%3D1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := ts.do("GET", tc.path, "", nil)
			if st := r.status(t); st.Code != 400 || st.Reason != metav1.StatusReasonBadRequest {
				t.Errorf("code %d reason %q, want 400 BadRequest: %s", st.Code, st.Reason, r.body)
			}
		})
	}
}

func TestListExactResourceVersion(t *testing.T) {
	t.Parallel()
	ts := start(t)
	cms := ts.kube.CoreV1().ConfigMaps("default")
	old, err := cms.Create(ts.ctx(), &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "old"}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cms.Create(ts.ctx(), &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "new"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	l, err := cms.List(ts.ctx(), metav1.ListOptions{ResourceVersion: old.ResourceVersion, ResourceVersionMatch: metav1.ResourceVersionMatchExact})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, cm := range l.Items {
		names = append(names, cm.Name)
	}
	if diff := cmp.Diff([]string{"old"}, names); diff != "" || l.ResourceVersion != old.ResourceVersion {
		t.Errorf("list at rv %s (got rv %s) (-want +got):\n%s", old.ResourceVersion, l.ResourceVersion, diff)
	}
}
