package printers

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/runtime"
)

func TestCoreCells(t *testing.T) {
	m := objMeta("app", 20*time.Minute)
	tests := []struct {
		name string
		obj  runtime.Object
		want []any
	}{
		{"namespace", &corev1.Namespace{ObjectMeta: m, Status: corev1.NamespaceStatus{Phase: corev1.NamespaceActive}},
			[]any{"app", "Active", "20m"}},
		{"configmap counts data and binary data", &corev1.ConfigMap{ObjectMeta: m,
			Data: map[string]string{"a": "1", "b": "2"}, BinaryData: map[string][]byte{"c": {0}}},
			[]any{"app", int64(3), "20m"}},
		{"empty configmap", &corev1.ConfigMap{ObjectMeta: m}, []any{"app", int64(0), "20m"}},
		{"tls secret", &corev1.Secret{ObjectMeta: m, Type: corev1.SecretTypeTLS,
			Data: map[string][]byte{"tls.crt": nil, "tls.key": nil}},
			[]any{"app", "kubernetes.io/tls", int64(2), "20m"}},
		{"opaque secret", &corev1.Secret{ObjectMeta: m, Type: corev1.SecretTypeOpaque},
			[]any{"app", "Opaque", int64(0), "20m"}},
		{"service account", &corev1.ServiceAccount{ObjectMeta: m, Secrets: []corev1.ObjectReference{{Name: "app-token"}}},
			[]any{"app", int64(1), "20m"}},
		{"resource quota", &corev1.ResourceQuota{ObjectMeta: m, Status: corev1.ResourceQuotaStatus{
			Hard: corev1.ResourceList{
				"pods": resource.MustParse("10"), "requests.cpu": resource.MustParse("2"),
				"limits.memory": resource.MustParse("4Gi"), "limits.cpu": resource.MustParse("4"),
			},
			Used: corev1.ResourceList{"pods": resource.MustParse("3"), "requests.cpu": resource.MustParse("500m"), "limits.cpu": resource.MustParse("1")},
		}}, []any{"app", "pods: 3/10, requests.cpu: 500m/2", "limits.cpu: 1/4, limits.memory: 0/4Gi", "20m"}},
		{"resource quota without status", &corev1.ResourceQuota{ObjectMeta: m}, []any{"app", "", "", "20m"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, rowCells(t, tc.obj)); diff != "" {
				t.Errorf("cells (-want +got):\n%s", diff)
			}
		})
	}
}
