// Package objects gives the kubelet read access to the ConfigMaps and Secrets that pods
// reference (env, envFrom, volumes).
package objects

import (
	v1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/informers"
	corelisters "k8s.io/client-go/listers/core/v1"
)

// Getter reads ConfigMaps and Secrets. Both methods return an apierrors NotFound error when
// the object is absent, worded as upstream's kubelet shows it (`configmap "x" not found`). Returned objects are shared: callers must not modify them.
type Getter interface {
	ConfigMap(namespace, name string) (*v1.ConfigMap, error)
	Secret(namespace, name string) (*v1.Secret, error)
}

// NewInformerGetter registers the ConfigMap and Secret informers of f and reads from their
// caches. The caller starts f (and waits for its caches to sync) before relying on reads.
func NewInformerGetter(f informers.SharedInformerFactory) Getter {
	return &informerGetter{
		configMaps: f.Core().V1().ConfigMaps().Lister(),
		secrets:    f.Core().V1().Secrets().Lister(),
	}
}

type informerGetter struct {
	configMaps corelisters.ConfigMapLister
	secrets    corelisters.SecretLister
}

var _ Getter = (*informerGetter)(nil)

func (g *informerGetter) ConfigMap(namespace, name string) (*v1.ConfigMap, error) {
	return g.configMaps.ConfigMaps(namespace).Get(name)
}

func (g *informerGetter) Secret(namespace, name string) (*v1.Secret, error) {
	return g.secrets.Secrets(namespace).Get(name)
}

// Static is a map-backed Getter for tests, keyed by "namespace/name". Not safe for writes
// concurrent with reads.
type Static struct {
	ConfigMaps map[string]*v1.ConfigMap
	Secrets    map[string]*v1.Secret
}

var _ Getter = (*Static)(nil)

// NewStatic indexes the given ConfigMaps and Secrets by namespace/name.
func NewStatic(objs ...any) *Static {
	s := &Static{ConfigMaps: map[string]*v1.ConfigMap{}, Secrets: map[string]*v1.Secret{}}
	for _, o := range objs {
		switch o := o.(type) {
		case *v1.ConfigMap:
			s.ConfigMaps[o.Namespace+"/"+o.Name] = o
		case *v1.Secret:
			s.Secrets[o.Namespace+"/"+o.Name] = o
		}
	}
	return s
}

// ConfigMap returns the ConfigMap namespace/name or a NotFound error.
func (s *Static) ConfigMap(namespace, name string) (*v1.ConfigMap, error) {
	if cm, ok := s.ConfigMaps[namespace+"/"+name]; ok {
		return cm, nil
	}
	return nil, apierrors.NewNotFound(v1.Resource("configmap"), name)
}

// Secret returns the Secret namespace/name or a NotFound error.
func (s *Static) Secret(namespace, name string) (*v1.Secret, error) {
	if sec, ok := s.Secrets[namespace+"/"+name]; ok {
		return sec, nil
	}
	return nil, apierrors.NewNotFound(v1.Resource("secret"), name)
}
