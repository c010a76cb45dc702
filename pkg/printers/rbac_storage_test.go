package printers

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	storagev1 "k8s.io/api/storage/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

func TestRBACAndStorageCells(t *testing.T) {
	m := objMeta("x", 26*time.Hour)
	subjects := []rbacv1.Subject{
		{Kind: rbacv1.UserKind, Name: "alice"}, {Kind: rbacv1.UserKind, Name: "bob"},
		{Kind: rbacv1.GroupKind, Name: "system:masters"},
		{Kind: rbacv1.ServiceAccountKind, Namespace: "kube-system", Name: "helm"},
	}
	retain, wait := corev1.PersistentVolumeReclaimRetain, storagev1.VolumeBindingWaitForFirstConsumer
	defaultClass := &storagev1.StorageClass{ObjectMeta: metav1.ObjectMeta{Name: "local-path", CreationTimestamp: ago(26 * time.Hour),
		Annotations: map[string]string{"storageclass.kubernetes.io/is-default-class": "true"}},
		Provisioner: "rancher.io/local-path", ReclaimPolicy: &retain, VolumeBindingMode: &wait, AllowVolumeExpansion: ptr(true)}
	tests := []struct {
		name string
		obj  runtime.Object
		want []any
	}{
		{"role binding", &rbacv1.RoleBinding{ObjectMeta: m, RoleRef: rbacv1.RoleRef{Kind: "Role", Name: "reader"}, Subjects: subjects},
			[]any{"x", "Role/reader", "26h", "alice, bob", "system:masters", "kube-system/helm"}},
		{"cluster role binding without subjects", &rbacv1.ClusterRoleBinding{ObjectMeta: m, RoleRef: rbacv1.RoleRef{Kind: "ClusterRole", Name: "admin"}},
			[]any{"x", "ClusterRole/admin", "26h", "", "", ""}},
		{"default storage class", defaultClass,
			[]any{"local-path (default)", "rancher.io/local-path", "Retain", "WaitForFirstConsumer", true, "26h"}},
		{"storage class with defaults", &storagev1.StorageClass{ObjectMeta: m, Provisioner: "example.com/nfs"},
			[]any{"x", "example.com/nfs", "Delete", "Immediate", false, "26h"}},
		{"replication controller", &corev1.ReplicationController{ObjectMeta: m,
			Spec: corev1.ReplicationControllerSpec{Replicas: ptr(int32(2)), Selector: map[string]string{"app": "old"},
				Template: &corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "old:1"}}}}},
			Status: corev1.ReplicationControllerStatus{Replicas: 2, ReadyReplicas: 1}},
			[]any{"x", int64(2), int64(2), int64(1), "26h", "app", "old:1", "app=old"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, rowCells(t, tc.obj)); diff != "" {
				t.Errorf("cells (-want +got):\n%s", diff)
			}
		})
	}
}
