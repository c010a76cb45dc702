package apiserver_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"

	"skiff/pkg/apiserver"
)

type obj = map[string]any

var (
	appLabels = obj{"app": "x"}
	container = []any{obj{"name": "c", "image": "busybox:1.36"}}
	template  = obj{"metadata": obj{"labels": appLabels}, "spec": obj{"containers": container}}
	selector  = obj{"matchLabels": appLabels}
	hpaTarget = obj{"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}
)

// minimalSpecs holds the body (besides apiVersion, kind and metadata) of a minimal valid object of
// every served resource, by "group/version/resource".
func minimalSpecs(ns string) map[string]obj {
	now := time.Now().UTC().Format("2006-01-02T15:04:05.000000Z")
	return map[string]obj{
		"/v1/namespaces":              {},
		"/v1/pods":                    {"spec": obj{"containers": container}},
		"/v1/nodes":                   {},
		"/v1/services":                {"spec": obj{"selector": appLabels, "ports": []any{obj{"port": int64(80)}}}},
		"/v1/endpoints":               {},
		"/v1/configmaps":              {"data": obj{"k": "v"}},
		"/v1/secrets":                 {"stringData": obj{"k": "v"}},
		"/v1/serviceaccounts":         {},
		"/v1/events":                  {"involvedObject": obj{"kind": "Pod", "name": "p", "namespace": ns}, "reason": "Test", "message": "m", "type": "Normal", "source": obj{"component": "test"}},
		"/v1/persistentvolumeclaims":  {"spec": obj{"accessModes": []any{"ReadWriteOnce"}, "resources": obj{"requests": obj{"storage": "1Gi"}}}},
		"/v1/persistentvolumes":       {"spec": obj{"accessModes": []any{"ReadWriteOnce"}, "capacity": obj{"storage": "1Gi"}, "hostPath": obj{"path": "/tmp/pv"}}},
		"/v1/limitranges":             {"spec": obj{"limits": []any{obj{"type": "Container", "max": obj{"cpu": "1"}}}}},
		"/v1/resourcequotas":          {"spec": obj{"hard": obj{"pods": "10"}}},
		"apps/v1/deployments":         {"spec": obj{"selector": selector, "template": template}},
		"apps/v1/replicasets":         {"spec": obj{"selector": selector, "template": template}},
		"apps/v1/statefulsets":        {"spec": obj{"selector": selector, "template": template, "serviceName": "s"}},
		"apps/v1/daemonsets":          {"spec": obj{"selector": selector, "template": template}},
		"apps/v1/controllerrevisions": {"revision": int64(1)},
		"batch/v1/jobs":               {"spec": obj{"template": obj{"spec": obj{"containers": container, "restartPolicy": "Never"}}}},
		"batch/v1/cronjobs": {"spec": obj{"schedule": "*/5 * * * *", "jobTemplate": obj{"spec": obj{"template": obj{
			"spec": obj{"containers": container, "restartPolicy": "OnFailure"}}}}}},
		"coordination.k8s.io/v1/leases":           {"spec": obj{"holderIdentity": "me"}},
		"discovery.k8s.io/v1/endpointslices":      {"addressType": "IPv4", "endpoints": []any{obj{"addresses": []any{"10.0.0.1"}}}},
		"autoscaling/v2/horizontalpodautoscalers": {"spec": obj{"scaleTargetRef": hpaTarget, "maxReplicas": int64(3)}},
		"autoscaling/v1/horizontalpodautoscalers": {"spec": obj{"scaleTargetRef": hpaTarget, "maxReplicas": int64(3)}},
		"events.k8s.io/v1/events": {"eventTime": now, "reportingController": "test/ctl", "reportingInstance": "i", "action": "Act",
			"reason": "Test", "type": "Normal", "regarding": obj{"kind": "Pod", "name": "p", "namespace": ns}},
		"scheduling.k8s.io/v1/priorityclasses": {"value": int64(1000)},
		"policy/v1/poddisruptionbudgets":       {"spec": obj{"minAvailable": int64(1), "selector": selector}},
	}
}

func resourceKey(gvr schema.GroupVersionResource) string {
	return gvr.Group + "/" + gvr.Version + "/" + gvr.Resource
}

// minimal returns a minimal valid object of a served resource.
func minimal(t *testing.T, info apiserver.ResourceInfo, ns, name string) *unstructured.Unstructured {
	t.Helper()
	body, ok := minimalSpecs(ns)[resourceKey(info.GVK.GroupVersion().WithResource(info.Resource))]
	if !ok {
		t.Fatalf("no minimal object for %v: add one to minimalSpecs", info.GVK)
	}
	u := &unstructured.Unstructured{Object: deepCopy(body)}
	u.SetGroupVersionKind(info.GVK)
	u.SetName(name)
	if info.Namespaced {
		u.SetNamespace(ns)
	}
	return u
}

func deepCopy(m obj) obj {
	return (&unstructured.Unstructured{Object: m}).DeepCopy().Object
}

func resourceClient(d dynamic.Interface, info apiserver.ResourceInfo, ns string) dynamic.ResourceInterface {
	c := d.Resource(info.GVK.GroupVersion().WithResource(info.Resource))
	if info.Namespaced {
		return c.Namespace(ns)
	}
	return c
}

func TestCRUDEveryResource(t *testing.T) {
	t.Parallel()
	ts := start(t)
	for _, info := range apiserver.Resources() {
		t.Run(info.GVK.GroupVersion().String()+"/"+info.Resource, func(t *testing.T) {
			crudOne(t, ts, info)
		})
	}
}

func crudOne(t *testing.T, ts *testServer, info apiserver.ResourceInfo) {
	ctx, name := ts.ctx(), "crud-"+info.GVK.Version+"-"+info.Resource
	c := resourceClient(ts.dyn, info, "default")
	created, err := c.Create(ctx, minimal(t, info, "default", name), metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if diff := cmp.Diff(info.GVK, created.GroupVersionKind()); diff != "" {
		t.Errorf("created GVK (-want +got):\n%s", diff)
	}
	if created.GetUID() == "" || created.GetResourceVersion() == "" || created.GetCreationTimestamp().Time.IsZero() {
		t.Errorf("created object lacks uid/resourceVersion/creationTimestamp: %v", created.Object["metadata"])
	}
	got, err := c.Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		t.Fatalf("get: %v", err)
	}
	if diff := cmp.Diff(created.Object, got.Object); diff != "" {
		t.Errorf("get differs from create (-create +get):\n%s", diff)
	}
	list, err := c.List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	if !containsName(list, name) || list.GetResourceVersion() == "" {
		t.Errorf("list (rv %q) lacks %s", list.GetResourceVersion(), name)
	}
	got.SetLabels(map[string]string{"updated": "yes"})
	updated, err := c.Update(ctx, got, metav1.UpdateOptions{})
	if err != nil {
		t.Fatalf("update: %v", err)
	}
	if updated.GetLabels()["updated"] != "yes" || updated.GetResourceVersion() == got.GetResourceVersion() {
		t.Errorf("update: labels %v rv %s (was %s)", updated.GetLabels(), updated.GetResourceVersion(), got.GetResourceVersion())
	}
	checkDeleted(t, ts, c, info, name)
}

func checkDeleted(t *testing.T, ts *testServer, c dynamic.ResourceInterface, info apiserver.ResourceInfo, name string) {
	t.Helper()
	if err := c.Delete(ts.ctx(), name, metav1.DeleteOptions{}); err != nil {
		t.Fatalf("delete: %v", err)
	}
	got, err := c.Get(ts.ctx(), name, metav1.GetOptions{})
	if info.Resource == "namespaces" {
		// The namespace finalizer keeps it until the namespace controller empties it.
		if err != nil || got.GetDeletionTimestamp() == nil {
			t.Errorf("namespace after delete: err %v, deletionTimestamp %v", err, got)
		}
		return
	}
	if !apierrors.IsNotFound(err) {
		t.Errorf("get after delete: err = %v, want NotFound", err)
	}
}

func containsName(l *unstructured.UnstructuredList, name string) bool {
	for _, it := range l.Items {
		if it.GetName() == name {
			return true
		}
	}
	return false
}

func TestVersionPairsShareObjects(t *testing.T) {
	t.Parallel()
	ts := start(t)
	byKey := map[string]apiserver.ResourceInfo{}
	for _, info := range apiserver.Resources() {
		byKey[resourceKey(info.GVK.GroupVersion().WithResource(info.Resource))] = info
	}
	tests := []struct{ from, to string }{
		{"autoscaling/v1/horizontalpodautoscalers", "autoscaling/v2/horizontalpodautoscalers"},
		{"autoscaling/v2/horizontalpodautoscalers", "autoscaling/v1/horizontalpodautoscalers"},
		{"/v1/events", "events.k8s.io/v1/events"},
		{"events.k8s.io/v1/events", "/v1/events"},
	}
	for i, tc := range tests {
		t.Run(tc.from+"->"+tc.to, func(t *testing.T) {
			from, to := byKey[tc.from], byKey[tc.to]
			name := "pair-" + string(rune('a'+i))
			created, err := resourceClient(ts.dyn, from, "default").Create(ts.ctx(), minimal(t, from, "default", name), metav1.CreateOptions{})
			if err != nil {
				t.Fatalf("create: %v", err)
			}
			got, err := resourceClient(ts.dyn, to, "default").Get(ts.ctx(), name, metav1.GetOptions{})
			if err != nil {
				t.Fatalf("get in other version: %v", err)
			}
			want := []any{to.GVK, created.GetUID(), created.GetResourceVersion()}
			if diff := cmp.Diff(want, []any{got.GroupVersionKind(), got.GetUID(), got.GetResourceVersion()}); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			checkPairFields(t, tc.to, got)
		})
	}
}

// checkPairFields checks that the version-specific fields survived the conversion.
func checkPairFields(t *testing.T, to string, got *unstructured.Unstructured) {
	t.Helper()
	var path []string
	var want any
	switch to {
	case "autoscaling/v1/horizontalpodautoscalers", "autoscaling/v2/horizontalpodautoscalers":
		path, want = []string{"spec", "scaleTargetRef", "name"}, "web"
	case "/v1/events":
		path, want = []string{"involvedObject", "name"}, "p"
	case "events.k8s.io/v1/events":
		path, want = []string{"regarding", "name"}, "p"
	}
	v, _, _ := unstructured.NestedFieldNoCopy(got.Object, path...)
	if diff := cmp.Diff(want, v); diff != "" {
		t.Errorf("%v (-want +got):\n%s", path, diff)
	}
}
