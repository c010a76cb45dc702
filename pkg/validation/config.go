package validation

import (
	"encoding/json"

	corev1 "k8s.io/api/core/v1"
	utilvalidation "k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// maxDataSize is the largest total size of a ConfigMap's or Secret's data.
const maxDataSize = 1 * 1024 * 1024

const immutableSetMessage = "field is immutable when `immutable` is set"

func validateConfigMap(c *corev1.ConfigMap) field.ErrorList {
	var errs field.ErrorList
	size := 0
	for _, key := range sortedKeys(c.Data) {
		errs = append(errs, invalidEach(field.NewPath("data").Key(key), key, utilvalidation.IsConfigMapKey(key))...)
		size += len(c.Data[key])
	}
	for _, key := range sortedKeys(c.BinaryData) {
		p := field.NewPath("binaryData").Key(key)
		errs = append(errs, invalidEach(p, key, utilvalidation.IsConfigMapKey(key))...)
		if _, dup := c.Data[key]; dup {
			errs = append(errs, field.Invalid(p, key, "duplicate of key present in data"))
		}
		size += len(c.BinaryData[key])
	}
	if size > maxDataSize {
		errs = append(errs, field.TooLong(field.NewPath("data"), "", maxDataSize))
	}
	return errs
}

func validateConfigMapUpdate(c, old *corev1.ConfigMap) field.ErrorList {
	if !isTrue(old.Immutable) {
		return nil
	}
	var errs field.ErrorList
	if !isTrue(c.Immutable) {
		errs = append(errs, field.Forbidden(field.NewPath("immutable"), immutableSetMessage))
	}
	if !equalSemantic(c.Data, old.Data) {
		errs = append(errs, field.Forbidden(field.NewPath("data"), immutableSetMessage))
	}
	if !equalSemantic(c.BinaryData, old.BinaryData) {
		errs = append(errs, field.Forbidden(field.NewPath("binaryData"), immutableSetMessage))
	}
	return errs
}

// secretRequiredKeys lists the data keys each built-in secret type needs.
var secretRequiredKeys = map[corev1.SecretType][]string{
	corev1.SecretTypeDockercfg:        {corev1.DockerConfigKey},
	corev1.SecretTypeDockerConfigJson: {corev1.DockerConfigJsonKey},
	corev1.SecretTypeSSHAuth:          {corev1.SSHAuthPrivateKey},
	corev1.SecretTypeTLS:              {corev1.TLSCertKey, corev1.TLSPrivateKeyKey},
}

func validateSecret(s *corev1.Secret) field.ErrorList {
	dataPath := field.NewPath("data")
	var errs field.ErrorList
	size := 0
	for _, key := range sortedKeys(s.Data) {
		errs = append(errs, invalidEach(dataPath.Key(key), key, utilvalidation.IsConfigMapKey(key))...)
		size += len(s.Data[key])
	}
	for _, key := range sortedKeys(s.StringData) {
		errs = append(errs, invalidEach(field.NewPath("stringData").Key(key), key, utilvalidation.IsConfigMapKey(key))...)
		size += len(s.StringData[key])
	}
	if size > maxDataSize {
		errs = append(errs, field.TooLong(dataPath, "", maxDataSize))
	}
	return append(errs, validateSecretType(s, dataPath)...)
}

func validateSecretType(s *corev1.Secret, dataPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, key := range secretRequiredKeys[s.Type] {
		if _, ok := s.Data[key]; !ok {
			errs = append(errs, field.Required(dataPath.Key(key), ""))
		}
	}
	switch s.Type {
	case corev1.SecretTypeServiceAccountToken:
		if s.Annotations[corev1.ServiceAccountNameKey] == "" {
			errs = append(errs, field.Required(field.NewPath("metadata", "annotations").Key(corev1.ServiceAccountNameKey), ""))
		}
	case corev1.SecretTypeDockerConfigJson:
		if v, ok := s.Data[corev1.DockerConfigJsonKey]; ok && !json.Valid(v) {
			errs = append(errs, field.Invalid(dataPath.Key(corev1.DockerConfigJsonKey), "<secret contents redacted>", "invalid JSON"))
		}
	case corev1.SecretTypeBasicAuth:
		_, user := s.Data[corev1.BasicAuthUsernameKey]
		_, pass := s.Data[corev1.BasicAuthPasswordKey]
		if !user && !pass {
			errs = append(errs, field.Required(dataPath.Key(corev1.BasicAuthUsernameKey), ""),
				field.Required(dataPath.Key(corev1.BasicAuthPasswordKey), ""))
		}
	case "":
		errs = append(errs, field.Required(field.NewPath("type"), ""))
	}
	return errs
}

func validateSecretUpdate(s, old *corev1.Secret) field.ErrorList {
	errs := immutable(s.Type, old.Type, field.NewPath("type"))
	if !isTrue(old.Immutable) {
		return errs
	}
	if !isTrue(s.Immutable) {
		errs = append(errs, field.Forbidden(field.NewPath("immutable"), immutableSetMessage))
	}
	if !equalSemantic(s.Data, old.Data) {
		errs = append(errs, field.Forbidden(field.NewPath("data"), immutableSetMessage))
	}
	return errs
}

func isTrue(b *bool) bool { return b != nil && *b }
