package validation

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
)

func validConfigMap() *corev1.ConfigMap {
	return &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "cfg", Namespace: "default", ResourceVersion: "1"},
		Data: map[string]string{"app.conf": "x"}}
}

func TestValidateMetadata(t *testing.T) {
	owner := func(name string, controller bool) metav1.OwnerReference {
		return metav1.OwnerReference{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: name, UID: types.UID("u-" + name), Controller: ptr.To(controller)}
	}
	runCreate(t, validConfigMap, true, []createCase[*corev1.ConfigMap]{
		{name: "valid"},
		{name: "dotted name", mutate: func(c *corev1.ConfigMap) { c.Name = "kube-root-ca.crt" }},
		{name: "name required", mutate: func(c *corev1.ConfigMap) { c.Name = "" },
			want: []string{"FieldValueRequired metadata.name"}},
		{name: "name format", mutate: func(c *corev1.ConfigMap) { c.Name = "Bad_Name" },
			want: []string{"FieldValueInvalid metadata.name"}},
		{name: "namespace required", mutate: func(c *corev1.ConfigMap) { c.Namespace = "" },
			want: []string{"FieldValueRequired metadata.namespace"}},
		{name: "labels", mutate: func(c *corev1.ConfigMap) { c.Labels = map[string]string{"ok": "v", "bad key": "v", "k": "bad value!"} },
			want: []string{"FieldValueInvalid metadata.labels", "FieldValueInvalid metadata.labels"}},
		{name: "annotation key", mutate: func(c *corev1.ConfigMap) { c.Annotations = map[string]string{"/x": "v"} },
			want: []string{"FieldValueInvalid metadata.annotations"}},
		{name: "annotations too large", mutate: func(c *corev1.ConfigMap) { c.Annotations = map[string]string{"big": strings.Repeat("x", 256*1024)} },
			want: []string{"FieldValueTooLong metadata.annotations"}},
		{name: "finalizer", mutate: func(c *corev1.ConfigMap) { c.Finalizers = []string{"example.com/ok", "not/a/name"} },
			want: []string{"FieldValueInvalid metadata.finalizers"}},
		{name: "owner refs", mutate: func(c *corev1.ConfigMap) {
			c.OwnerReferences = []metav1.OwnerReference{owner("a", true), owner("b", true), {}}
		}, want: []string{"FieldValueInvalid metadata.ownerReferences",
			"FieldValueRequired metadata.ownerReferences[2].apiVersion", "FieldValueRequired metadata.ownerReferences[2].kind",
			"FieldValueRequired metadata.ownerReferences[2].name", "FieldValueRequired metadata.ownerReferences[2].uid"}},
	})
}

func TestValidateNames(t *testing.T) {
	meta := func(name, ns string) metav1.ObjectMeta { return metav1.ObjectMeta{Name: name, Namespace: ns} }
	tests := []struct {
		name       string
		obj        runtime.Object
		namespaced bool
		want       []string
	}{
		{"namespace label", &corev1.Namespace{ObjectMeta: meta("team-a", "")}, false, nil},
		{"namespace with dot", &corev1.Namespace{ObjectMeta: meta("team.a", "")}, false, []string{"FieldValueInvalid metadata.name"}},
		{"cluster scoped with namespace", &corev1.Namespace{ObjectMeta: meta("a", "b")}, false, []string{"FieldValueForbidden metadata.namespace"}},
		{"service must start with letter", &corev1.Service{ObjectMeta: meta("1web", "d"), Spec: corev1.ServiceSpec{
			Type: "ClusterIP", ClusterIP: "None", SessionAffinity: "None"}}, true, []string{"FieldValueInvalid metadata.name"}},
		{"rbac allows colons", &rbacv1.ClusterRole{ObjectMeta: meta("system:controller:x", "")}, false, nil},
		{"rbac rejects slash", &rbacv1.ClusterRole{ObjectMeta: meta("a/b", "")}, false, []string{"FieldValueInvalid metadata.name"}},
		{"unknown type gets metadata checks", &metav1.PartialObjectMetadata{ObjectMeta: meta("x", "")}, true, []string{"FieldValueRequired metadata.namespace"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkErrors(t, tt.want, ValidateCreate(tt.obj, tt.namespaced))
		})
	}
}

func TestValidateUpdateTypeMismatch(t *testing.T) {
	errs := ValidateUpdate(validConfigMap(), validPod(), true)
	checkErrors(t, []string{"InternalError <nil>"}, errs)
}
