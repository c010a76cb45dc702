package validation

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

func TestValidateConfigMap(t *testing.T) {
	runCreate(t, validConfigMap, true, []createCase[*corev1.ConfigMap]{
		{name: "bad key", mutate: func(c *corev1.ConfigMap) { c.Data["a/b"] = "x" },
			want: []string{"FieldValueInvalid data[a/b]"}},
		{name: "key in data and binaryData", mutate: func(c *corev1.ConfigMap) { c.BinaryData = map[string][]byte{"app.conf": nil} },
			want: []string{"FieldValueInvalid binaryData[app.conf]"}},
		{name: "too large", mutate: func(c *corev1.ConfigMap) { c.Data["big"] = strings.Repeat("x", 1024*1024+1) },
			want: []string{"FieldValueTooLong data"}},
	})
	runUpdate(t, validConfigMap, true, []updateCase[*corev1.ConfigMap]{
		{name: "data change", mutate: func(c *corev1.ConfigMap) { c.Data["app.conf"] = "y" }},
		{name: "immutable data", old: func(c *corev1.ConfigMap) { c.Immutable = ptr.To(true) },
			mutate: func(c *corev1.ConfigMap) { c.Data["app.conf"] = "y" },
			want:   []string{"FieldValueForbidden data"}},
		{name: "immutable unset", old: func(c *corev1.ConfigMap) { c.Immutable = ptr.To(true) },
			mutate: func(c *corev1.ConfigMap) { c.Immutable = nil },
			want:   []string{"FieldValueForbidden immutable"}},
		{name: "set immutable", mutate: func(c *corev1.ConfigMap) { c.Immutable = ptr.To(true) }},
	})
}

func TestValidateSecret(t *testing.T) {
	secret := func() *corev1.Secret {
		return &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "s", Namespace: "default", ResourceVersion: "1"},
			Data: map[string][]byte{"password": []byte("x")}}
	}
	runCreate(t, secret, true, []createCase[*corev1.Secret]{
		{name: "valid"},
		{name: "bad key", mutate: func(s *corev1.Secret) { s.Data["a b"] = nil },
			want: []string{"FieldValueInvalid data[a b]"}},
		{name: "too large", mutate: func(s *corev1.Secret) { s.Data["big"] = make([]byte, 1024*1024+1) },
			want: []string{"FieldValueTooLong data"}},
		{name: "tls needs keys", mutate: func(s *corev1.Secret) { s.Type = corev1.SecretTypeTLS },
			want: []string{"FieldValueRequired data[tls.crt]", "FieldValueRequired data[tls.key]"}},
		{name: "dockerconfigjson invalid", mutate: func(s *corev1.Secret) {
			s.Type, s.Data = corev1.SecretTypeDockerConfigJson, map[string][]byte{".dockerconfigjson": []byte("{")}
		}, want: []string{"FieldValueInvalid data[.dockerconfigjson]"}},
		{name: "service account token annotation", mutate: func(s *corev1.Secret) { s.Type = corev1.SecretTypeServiceAccountToken },
			want: []string{"FieldValueRequired metadata.annotations[kubernetes.io/service-account.name]"}},
	})
	runUpdate(t, secret, true, []updateCase[*corev1.Secret]{
		{name: "type immutable", mutate: func(s *corev1.Secret) {
			s.Type, s.Data = corev1.SecretTypeBasicAuth, map[string][]byte{"username": []byte("u")}
		}, want: []string{"FieldValueInvalid type"}},
		{name: "immutable data", old: func(s *corev1.Secret) { s.Immutable = ptr.To(true) },
			mutate: func(s *corev1.Secret) { s.Data["password"] = []byte("y") },
			want:   []string{"FieldValueForbidden data"}},
	})
}
