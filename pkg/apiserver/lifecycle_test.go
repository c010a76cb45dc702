package apiserver_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

func bind(ts *testServer, name, node string) error {
	b := &corev1.Binding{ObjectMeta: metav1.ObjectMeta{Name: name}, Target: corev1.ObjectReference{Kind: "Node", Name: node}}
	return ts.kube.CoreV1().Pods("default").Bind(ts.ctx(), b, metav1.CreateOptions{})
}

func TestPodBinding(t *testing.T) {
	t.Parallel()
	ts := start(t)
	pods := ts.kube.CoreV1().Pods("default")
	if _, err := pods.Create(ts.ctx(), pod("b"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := bind(ts, "b", "n1"); err != nil {
		t.Fatalf("bind: %v", err)
	}
	got, err := pods.Get(ts.ctx(), "b", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var scheduled corev1.ConditionStatus
	for _, c := range got.Status.Conditions {
		if c.Type == corev1.PodScheduled {
			scheduled = c.Status
		}
	}
	if diff := cmp.Diff([]any{"n1", corev1.ConditionTrue}, []any{got.Spec.NodeName, scheduled}); diff != "" {
		t.Errorf("[nodeName, PodScheduled] (-want +got):\n%s", diff)
	}
	if err := bind(ts, "b", "n2"); !apierrors.IsConflict(err) {
		t.Errorf("second bind: %v, want 409 Conflict", err)
	}
	if err := bind(ts, "missing", "n1"); !apierrors.IsNotFound(err) {
		t.Errorf("bind of a missing pod: %v, want 404", err)
	}
}

func TestPodGracefulDelete(t *testing.T) {
	t.Parallel()
	ts := start(t)
	pods := ts.kube.CoreV1().Pods("default")
	in := pod("g")
	in.Spec.TerminationGracePeriodSeconds = ptr(int64(30))
	if _, err := pods.Create(ts.ctx(), in, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := bind(ts, "g", "n1"); err != nil {
		t.Fatal(err)
	}
	if err := pods.Delete(ts.ctx(), "g", metav1.DeleteOptions{}); err != nil {
		t.Fatalf("graceful delete: %v", err)
	}
	got, err := pods.Get(ts.ctx(), "g", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("a bound pod must survive a graceful delete: %v", err)
	}
	if got.DeletionTimestamp == nil || got.DeletionGracePeriodSeconds == nil || *got.DeletionGracePeriodSeconds != 30 {
		t.Errorf("deletionTimestamp %v grace %v, want set and 30", got.DeletionTimestamp, got.DeletionGracePeriodSeconds)
	}
	// Writes still work while terminating; the deletion timestamp stays.
	got.Labels = map[string]string{"x": "y"}
	if got, err = pods.Update(ts.ctx(), got, metav1.UpdateOptions{}); err != nil || got.DeletionTimestamp == nil {
		t.Fatalf("update while terminating: %v, deletionTimestamp %v", err, got.DeletionTimestamp)
	}
	if err := pods.Delete(ts.ctx(), "g", metav1.DeleteOptions{GracePeriodSeconds: ptr(int64(0))}); err != nil {
		t.Fatalf("forced delete: %v", err)
	}
	if _, err := pods.Get(ts.ctx(), "g", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("after gracePeriodSeconds=0: %v, want NotFound", err)
	}
}

func TestFinalizers(t *testing.T) {
	t.Parallel()
	ts := start(t)
	cms := ts.kube.CoreV1().ConfigMaps("default")
	in := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "f", Finalizers: []string{"example.com/hold"}}}
	if _, err := cms.Create(ts.ctx(), in, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := cms.Delete(ts.ctx(), "f", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	got, err := cms.Get(ts.ctx(), "f", metav1.GetOptions{})
	if err != nil || got.DeletionTimestamp == nil {
		t.Fatalf("finalized object after delete: %v, deletionTimestamp %v", err, got)
	}
	// Removing the last finalizer deletes the object.
	patch := `[{"op":"remove","path":"/metadata/finalizers"}]`
	if _, err := cms.Patch(ts.ctx(), "f", types.JSONPatchType, []byte(patch), metav1.PatchOptions{}); err != nil {
		t.Fatalf("remove finalizers: %v", err)
	}
	if _, err := cms.Get(ts.ctx(), "f", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("after removing the finalizer: %v, want NotFound", err)
	}
}

func TestForegroundDeleteAddsFinalizer(t *testing.T) {
	t.Parallel()
	ts := start(t)
	cms := ts.kube.CoreV1().ConfigMaps("default")
	if _, err := cms.Create(ts.ctx(), &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "fg"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	fg := metav1.DeletePropagationForeground
	if err := cms.Delete(ts.ctx(), "fg", metav1.DeleteOptions{PropagationPolicy: &fg}); err != nil {
		t.Fatal(err)
	}
	got, err := cms.Get(ts.ctx(), "fg", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{metav1.FinalizerDeleteDependents}, got.Finalizers); diff != "" || got.DeletionTimestamp == nil {
		t.Errorf("finalizers (-want +got):\n%s deletionTimestamp %v", diff, got.DeletionTimestamp)
	}
}

func TestScaleSubresource(t *testing.T) {
	t.Parallel()
	ts := start(t)
	deps := ts.kube.AppsV1().Deployments("default")
	if _, err := deps.Create(ts.ctx(), deployment("sc"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	sc, err := deps.GetScale(ts.ctx(), "sc", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]any{int32(1), "app=sc"}, []any{sc.Spec.Replicas, sc.Status.Selector}); diff != "" {
		t.Errorf("scale [replicas, selector] (-want +got):\n%s", diff)
	}
	stale := sc.DeepCopy()
	sc.Spec.Replicas = 4
	if sc, err = deps.UpdateScale(ts.ctx(), "sc", sc, metav1.UpdateOptions{}); err != nil || sc.Spec.Replicas != 4 {
		t.Fatalf("update scale: %v %v", err, sc)
	}
	stale.Spec.Replicas = 2
	if _, err := deps.UpdateScale(ts.ctx(), "sc", stale, metav1.UpdateOptions{}); !apierrors.IsConflict(err) {
		t.Errorf("stale scale update: %v, want Conflict", err)
	}
	_, err = deps.Patch(ts.ctx(), "sc", types.MergePatchType, []byte(`{"spec":{"replicas":6}}`), metav1.PatchOptions{}, "scale")
	if err != nil {
		t.Fatalf("patch scale: %v", err)
	}
	d, err := deps.Get(ts.ctx(), "sc", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]any{int32(6), int64(3)}, []any{*d.Spec.Replicas, d.Generation}); diff != "" {
		t.Errorf("deployment [replicas, generation] after scaling (-want +got):\n%s", diff)
	}
}

func TestTerminatingNamespace(t *testing.T) {
	t.Parallel()
	ts := start(t)
	ts.namespace("doomed")
	if err := ts.kube.CoreV1().Namespaces().Delete(ts.ctx(), "doomed", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	ns, err := ts.kube.CoreV1().Namespaces().Get(ts.ctx(), "doomed", metav1.GetOptions{})
	if err != nil || ns.Status.Phase != corev1.NamespaceTerminating {
		t.Fatalf("namespace after delete: %v %v, want Terminating", err, ns.Status.Phase)
	}
	_, err = ts.kube.CoreV1().ConfigMaps("doomed").Create(ts.ctx(), &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "late"}}, metav1.CreateOptions{})
	if !apierrors.IsForbidden(err) {
		t.Errorf("create in a terminating namespace: %v, want 403 Forbidden", err)
	}
	// Finalizing the namespace (what the namespace controller does once it is empty) removes it.
	ns.Spec.Finalizers = nil
	if _, err := ts.kube.CoreV1().Namespaces().Finalize(ts.ctx(), ns, metav1.UpdateOptions{}); err != nil {
		t.Fatalf("finalize: %v", err)
	}
	if _, err := ts.kube.CoreV1().Namespaces().Get(ts.ctx(), "doomed", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("namespace after finalize: %v, want NotFound", err)
	}
}

func TestEviction(t *testing.T) {
	t.Parallel()
	ts := start(t)
	pods := ts.kube.CoreV1().Pods("default")
	if _, err := pods.Create(ts.ctx(), pod("ev"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := bind(ts, "ev", "n1"); err != nil {
		t.Fatal(err)
	}
	ev := &policyv1.Eviction{ObjectMeta: metav1.ObjectMeta{Name: "ev"}}
	if err := pods.EvictV1(ts.ctx(), ev); err != nil {
		t.Fatalf("evict: %v", err)
	}
	got, err := pods.Get(ts.ctx(), "ev", metav1.GetOptions{})
	if err != nil || got.DeletionTimestamp == nil {
		t.Errorf("evicted bound pod: %v, want it terminating", err)
	}
}
