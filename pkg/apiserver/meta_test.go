package apiserver_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

func deployment(name string) *appsv1.Deployment {
	labels := map[string]string{"app": name}
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr(int32(1)),
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "busybox:1.36"}}},
			},
		},
	}
}

func pod(name string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "busybox:1.36"}}},
	}
}

func TestServerOwnedMetadata(t *testing.T) {
	t.Parallel()
	ts := start(t)
	cms := ts.kube.CoreV1().ConfigMaps("default")
	in := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{GenerateName: "gen-", UID: "client-uid", ResourceVersion: "", Generation: 7}}
	a, err := cms.Create(ts.ctx(), in, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := cms.Create(ts.ctx(), in, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, cm := range []*corev1.ConfigMap{a, b} {
		if !strings.HasPrefix(cm.Name, "gen-") || len(cm.Name) != len("gen-")+5 {
			t.Errorf("generated name %q", cm.Name)
		}
		if cm.UID == "" || cm.UID == "client-uid" || cm.CreationTimestamp.IsZero() || cm.Generation != 0 {
			t.Errorf("uid %q creationTimestamp %v generation %d", cm.UID, cm.CreationTimestamp, cm.Generation)
		}
	}
	if a.Name == b.Name || a.UID == b.UID {
		t.Errorf("two creates share name %q / uid %q", a.Name, a.UID)
	}
	if len(a.ManagedFields) != 1 || a.ManagedFields[0].Manager != "skiff-test" || a.ManagedFields[0].Operation != metav1.ManagedFieldsOperationUpdate {
		t.Errorf("managedFields = %+v, want one Update by skiff-test", a.ManagedFields)
	}
}

func TestGeneration(t *testing.T) {
	t.Parallel()
	ts := start(t)
	deps := ts.kube.AppsV1().Deployments("default")
	d, err := deps.Create(ts.ctx(), deployment("gen"), metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name   string
		change func(d *appsv1.Deployment) (*appsv1.Deployment, error)
		want   int64
	}{
		{"created", func(d *appsv1.Deployment) (*appsv1.Deployment, error) { return d, nil }, 1},
		{"label", func(d *appsv1.Deployment) (*appsv1.Deployment, error) {
			d.Labels = map[string]string{"l": "1"}
			return deps.Update(ts.ctx(), d, metav1.UpdateOptions{})
		}, 1},
		{"status", func(d *appsv1.Deployment) (*appsv1.Deployment, error) {
			d.Status.Replicas = 5
			return deps.UpdateStatus(ts.ctx(), d, metav1.UpdateOptions{})
		}, 1},
		{"spec", func(d *appsv1.Deployment) (*appsv1.Deployment, error) {
			d.Spec.Replicas = ptr(int32(3))
			return deps.Update(ts.ctx(), d, metav1.UpdateOptions{})
		}, 2},
		{"same spec", func(d *appsv1.Deployment) (*appsv1.Deployment, error) {
			return deps.Update(ts.ctx(), d, metav1.UpdateOptions{})
		}, 2},
		{"template", func(d *appsv1.Deployment) (*appsv1.Deployment, error) {
			d.Spec.Template.Spec.Containers[0].Image = "busybox:1.37"
			return deps.Update(ts.ctx(), d, metav1.UpdateOptions{})
		}, 3},
	}
	for _, st := range steps {
		d, err = st.change(d)
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if d.Generation != st.want {
			t.Errorf("%s: generation %d, want %d", st.name, d.Generation, st.want)
		}
	}
}

func TestStatusSubresource(t *testing.T) {
	t.Parallel()
	ts := start(t)
	deps := ts.kube.AppsV1().Deployments("default")
	in := deployment("st")
	in.Status.Replicas = 9
	d, err := deps.Create(ts.ctx(), in, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if d.Status.Replicas != 0 {
		t.Errorf("create kept status.replicas %d", d.Status.Replicas)
	}
	// A status update changes the status only.
	d.Status.Replicas, d.Spec.Replicas, d.Labels = 4, ptr(int32(7)), map[string]string{"x": "y"}
	d, err = deps.UpdateStatus(ts.ctx(), d, metav1.UpdateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]any{int32(4), int32(1), map[string]string(nil)}, []any{d.Status.Replicas, *d.Spec.Replicas, d.Labels}); diff != "" {
		t.Errorf("after status update [status, spec, labels] (-want +got):\n%s", diff)
	}
	// A main update ignores the status.
	d.Status.Replicas, d.Spec.Replicas = 99, ptr(int32(2))
	d, err = deps.Update(ts.ctx(), d, metav1.UpdateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]any{int32(4), int32(2)}, []any{d.Status.Replicas, *d.Spec.Replicas}); diff != "" {
		t.Errorf("after main update [status, spec] (-want +got):\n%s", diff)
	}
}

func TestConflicts(t *testing.T) {
	t.Parallel()
	ts := start(t)
	cms := ts.kube.CoreV1().ConfigMaps("default")
	cm, err := cms.Create(ts.ctx(), &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "c"}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	stale := cm.DeepCopy()
	cm.Data = map[string]string{"a": "1"}
	if _, err := cms.Update(ts.ctx(), cm, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	stale.Data = map[string]string{"a": "2"}
	_, errStale := cms.Update(ts.ctx(), stale, metav1.UpdateOptions{})
	_, errExists := cms.Create(ts.ctx(), &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "c"}}, metav1.CreateOptions{})
	errRV := cms.Delete(ts.ctx(), "c", metav1.DeleteOptions{Preconditions: &metav1.Preconditions{ResourceVersion: ptr(stale.ResourceVersion)}})
	errUID := cms.Delete(ts.ctx(), "c", metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: ptr(types.UID("other"))}})
	tests := []struct {
		name   string
		err    error
		reason metav1.StatusReason
	}{
		{"stale update", errStale, metav1.StatusReasonConflict},
		{"create existing", errExists, metav1.StatusReasonAlreadyExists},
		{"delete stale rv precondition", errRV, metav1.StatusReasonConflict},
		{"delete wrong uid precondition", errUID, metav1.StatusReasonConflict},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := reasonOf(tc.err); got != tc.reason || codeOf(tc.err) != 409 {
				t.Errorf("err %v: reason %q code %d, want %q 409", tc.err, got, codeOf(tc.err), tc.reason)
			}
		})
	}
	cur, err := cms.Get(ts.ctx(), "c", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pre := &metav1.Preconditions{UID: ptr(cur.UID), ResourceVersion: ptr(cur.ResourceVersion)}
	if err := cms.Delete(ts.ctx(), "c", metav1.DeleteOptions{Preconditions: pre}); err != nil {
		t.Errorf("delete with matching preconditions: %v", err)
	}
}
