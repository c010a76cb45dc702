package printers

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

func TestAppsCells(t *testing.T) {
	m := objMeta("web", 3*24*time.Hour+4*time.Hour)
	selector := &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}}
	template := corev1.PodTemplateSpec{Spec: corev1.PodSpec{
		Containers:   []corev1.Container{{Name: "app", Image: "registry.local/web:1.2"}, {Name: "log", Image: "busybox:1.36"}},
		NodeSelector: map[string]string{"kubernetes.io/os": "linux"},
	}}
	badSelector := &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "app", Operator: "Bogus"}}}
	owner := metav1.OwnerReference{APIVersion: "apps/v1", Kind: "StatefulSet", Name: "db", Controller: ptr(true)}
	revision := &appsv1.ControllerRevision{ObjectMeta: objMeta("db-7f9c", time.Hour), Revision: 3}
	revision.OwnerReferences = []metav1.OwnerReference{owner}

	tests := []struct {
		name string
		obj  runtime.Object
		want []any
	}{
		{"deployment", &appsv1.Deployment{ObjectMeta: m,
			Spec:   appsv1.DeploymentSpec{Replicas: ptr(int32(3)), Selector: selector, Template: template},
			Status: appsv1.DeploymentStatus{ReadyReplicas: 2, UpdatedReplicas: 3, AvailableReplicas: 2}},
			[]any{"web", "2/3", int64(3), int64(2), "3d4h", "app,log", "registry.local/web:1.2,busybox:1.36", "app=web"}},
		{"deployment with invalid selector", &appsv1.Deployment{ObjectMeta: m, Spec: appsv1.DeploymentSpec{Replicas: ptr(int32(0)), Selector: badSelector}},
			[]any{"web", "0/0", int64(0), int64(0), "3d4h", "", "", "<invalid>"}},
		{"replica set", &appsv1.ReplicaSet{ObjectMeta: m,
			Spec:   appsv1.ReplicaSetSpec{Replicas: ptr(int32(5)), Selector: selector, Template: template},
			Status: appsv1.ReplicaSetStatus{Replicas: 4, ReadyReplicas: 1}},
			[]any{"web", int64(5), int64(4), int64(1), "3d4h", "app,log", "registry.local/web:1.2,busybox:1.36", "app=web"}},
		{"stateful set", &appsv1.StatefulSet{ObjectMeta: m,
			Spec:   appsv1.StatefulSetSpec{Replicas: ptr(int32(3)), Selector: selector, Template: template},
			Status: appsv1.StatefulSetStatus{ReadyReplicas: 3}},
			[]any{"web", "3/3", "3d4h", "app,log", "registry.local/web:1.2,busybox:1.36"}},
		{"stateful set without replicas uses the default", &appsv1.StatefulSet{ObjectMeta: m},
			[]any{"web", "0/1", "3d4h", "", ""}},
		{"daemon set", &appsv1.DaemonSet{ObjectMeta: m,
			Spec: appsv1.DaemonSetSpec{Selector: selector, Template: template},
			Status: appsv1.DaemonSetStatus{DesiredNumberScheduled: 3, CurrentNumberScheduled: 3, NumberReady: 2,
				UpdatedNumberScheduled: 1, NumberAvailable: 2}},
			[]any{"web", int64(3), int64(3), int64(2), int64(1), int64(2), "kubernetes.io/os=linux", "3d4h",
				"app,log", "registry.local/web:1.2,busybox:1.36", "app=web"}},
		{"daemon set without node selector", &appsv1.DaemonSet{ObjectMeta: m},
			[]any{"web", int64(0), int64(0), int64(0), int64(0), int64(0), "<none>", "3d4h", "", "", "<none>"}},
		{"controller revision", revision, []any{"db-7f9c", "statefulset.apps/db", int64(3), "60m"}},
		{"orphan controller revision", &appsv1.ControllerRevision{ObjectMeta: objMeta("x", time.Hour), Revision: 1},
			[]any{"x", "<none>", int64(1), "60m"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, rowCells(t, tc.obj)); diff != "" {
				t.Errorf("cells (-want +got):\n%s", diff)
			}
		})
	}
}
