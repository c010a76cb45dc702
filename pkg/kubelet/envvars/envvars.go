// Package envvars builds a container's environment from its pod spec as upstream's kubelet
// does: envFrom, env values with $(VAR) expansion, and valueFrom sources (downward API
// fieldRef and resourceFieldRef, configMapKeyRef, secretKeyRef).
//
// Service links (the <SVC>_SERVICE_HOST variables) are not added here.
package envvars

import (
	"fmt"

	v1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"

	"skiff/pkg/kubelet/objects"
)

// Build returns the environment of container c of pod, in declaration order (envFrom keys
// first, then env; a later definition replaces an earlier value in place). A missing
// non-optional ConfigMap, Secret or key fails with upstream's message (for example
// `configmap "x" not found` or `couldn't find key k in ConfigMap ns/x`), which the kubelet
// reports as CreateContainerConfigError. Build only reads from src.
func Build(pod *v1.Pod, c *v1.Container, f Facts, src objects.Getter) ([]*runtimeapi.KeyValue, error) {
	b := &builder{pod: pod, src: src, env: env{vals: map[string]string{}},
		configMaps: map[string]*v1.ConfigMap{}, secrets: map[string]*v1.Secret{}}
	for i := range c.EnvFrom {
		if err := b.addFrom(&c.EnvFrom[i]); err != nil {
			return nil, err
		}
	}
	for i := range c.Env {
		val, skip, err := b.value(&c.Env[i], c, f)
		if err != nil {
			return nil, err
		}
		if !skip {
			b.env.set(c.Env[i].Name, val)
		}
	}
	return b.env.keyValues(), nil
}

// env is an ordered map.
type env struct {
	names []string
	vals  map[string]string
}

func (e *env) set(name, val string) {
	if _, ok := e.vals[name]; !ok {
		e.names = append(e.names, name)
	}
	e.vals[name] = val
}

func (e *env) keyValues() []*runtimeapi.KeyValue {
	out := make([]*runtimeapi.KeyValue, 0, len(e.names))
	for _, n := range e.names {
		out = append(out, &runtimeapi.KeyValue{Key: n, Value: []byte(e.vals[n])})
	}
	return out
}

type builder struct {
	pod        *v1.Pod
	src        objects.Getter
	env        env
	configMaps map[string]*v1.ConfigMap
	secrets    map[string]*v1.Secret
}

func (b *builder) addFrom(from *v1.EnvFromSource) error {
	switch {
	case from.ConfigMapRef != nil:
		cm, err := b.configMap(from.ConfigMapRef.Name)
		if err != nil {
			return skipIfOptional(err, from.ConfigMapRef.Optional)
		}
		for _, k := range sortedKeys(cm.Data) {
			b.setFrom(from.Prefix+k, cm.Data[k])
		}
	case from.SecretRef != nil:
		s, err := b.secret(from.SecretRef.Name)
		if err != nil {
			return skipIfOptional(err, from.SecretRef.Optional)
		}
		for _, k := range sortedKeys(s.Data) {
			b.setFrom(from.Prefix+k, string(s.Data[k]))
		}
	}
	return nil
}

// setFrom sets an envFrom variable; keys that are not valid environment variable names
// (upstream's relaxed rule: printable ASCII without '=') are skipped, as upstream.
func (b *builder) setFrom(name, val string) {
	if validEnvName(name) {
		b.env.set(name, val)
	}
}

func validEnvName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; c < ' ' || c > '~' || c == '=' {
			return false
		}
	}
	return true
}

// skipIfOptional drops a NotFound error for an optional reference.
func skipIfOptional(err error, optional *bool) error {
	if apierrors.IsNotFound(err) && optional != nil && *optional {
		return nil
	}
	return err
}

// value resolves one env entry; skip is true for an absent optional reference.
func (b *builder) value(e *v1.EnvVar, c *v1.Container, f Facts) (val string, skip bool, err error) {
	if e.Value != "" || e.ValueFrom == nil {
		return Expand(e.Value, Mapping(b.env.vals)), false, nil
	}
	from := e.ValueFrom
	switch {
	case from.FieldRef != nil:
		val, err = ResolveFieldRef(b.pod, f, from.FieldRef.FieldPath)
	case from.ResourceFieldRef != nil:
		val, err = ResolveResourceFieldRef(b.pod, c.Name, from.ResourceFieldRef, f)
	case from.ConfigMapKeyRef != nil:
		return b.configMapKey(from.ConfigMapKeyRef)
	case from.SecretKeyRef != nil:
		return b.secretKey(from.SecretKeyRef)
	}
	return val, false, err
}

func (b *builder) configMapKey(ref *v1.ConfigMapKeySelector) (string, bool, error) {
	optional := ref.Optional != nil && *ref.Optional
	cm, err := b.configMap(ref.Name)
	if err != nil {
		return "", optional && apierrors.IsNotFound(err), skipIfOptional(err, ref.Optional)
	}
	val, ok := cm.Data[ref.Key]
	if !ok && !optional {
		return "", false, fmt.Errorf("couldn't find key %v in ConfigMap %v/%v", ref.Key, b.pod.Namespace, ref.Name)
	}
	return val, !ok, nil
}

func (b *builder) secretKey(ref *v1.SecretKeySelector) (string, bool, error) {
	optional := ref.Optional != nil && *ref.Optional
	s, err := b.secret(ref.Name)
	if err != nil {
		return "", optional && apierrors.IsNotFound(err), skipIfOptional(err, ref.Optional)
	}
	val, ok := s.Data[ref.Key]
	if !ok && !optional {
		return "", false, fmt.Errorf("couldn't find key %v in Secret %v/%v", ref.Key, b.pod.Namespace, ref.Name)
	}
	return string(val), !ok, nil
}

func (b *builder) configMap(name string) (*v1.ConfigMap, error) {
	if cm, ok := b.configMaps[name]; ok {
		return cm, nil
	}
	cm, err := b.src.ConfigMap(b.pod.Namespace, name)
	if err == nil {
		b.configMaps[name] = cm
	}
	return cm, err
}

func (b *builder) secret(name string) (*v1.Secret, error) {
	if s, ok := b.secrets[name]; ok {
		return s, nil
	}
	s, err := b.src.Secret(b.pod.Namespace, name)
	if err == nil {
		b.secrets[name] = s
	}
	return s, err
}
