package gc

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
)

// ownerStates resolves every owner of o: from the caches when they hold the uid, otherwise
// with a live GET, so that an owner is called absent only when the API server says so.
func (c *Controller) ownerStates(ctx context.Context, o metav1.Object) (map[types.UID]ownerState, error) {
	out := make(map[types.UID]ownerState, len(o.GetOwnerReferences()))
	for _, r := range o.GetOwnerReferences() {
		if l, ok := c.mons.lookup(r.UID); ok {
			out[r.UID] = stateOf(l.obj)
			continue
		}
		s, err := c.liveOwnerState(ctx, o.GetNamespace(), r)
		if err != nil {
			return nil, err
		}
		out[r.UID] = s
	}
	return out, nil
}

// liveOwnerState reads an owner from the API server. A namespaced owner is looked up in the
// dependent's namespace; a cluster-scoped dependent cannot have one and treats it as absent.
func (c *Controller) liveOwnerState(ctx context.Context, ns string, r metav1.OwnerReference) (ownerState, error) {
	gvr, namespaced, err := c.resourceFor(r)
	if err != nil {
		return ownerSolid, err
	}
	if !namespaced {
		ns = ""
	} else if ns == "" {
		return ownerAbsent, nil
	}
	got, err := c.md.Resource(gvr).Namespace(ns).Get(ctx, r.Name, metav1.GetOptions{})
	switch {
	case apierrors.IsNotFound(err):
		return ownerAbsent, nil
	case err != nil:
		return ownerSolid, fmt.Errorf("get owner %s %s: %w", r.Kind, r.Name, err)
	case got.UID != r.UID:
		return ownerAbsent, nil
	}
	return stateOf(got), nil
}

// resourceFor maps an ownerReference's apiVersion and kind to a resource, refreshing
// discovery once when the kind is unknown.
func (c *Controller) resourceFor(r metav1.OwnerReference) (schema.GroupVersionResource, bool, error) {
	gv, err := schema.ParseGroupVersion(r.APIVersion)
	if err != nil {
		return schema.GroupVersionResource{}, false, fmt.Errorf("owner %s: %w", r.Name, err)
	}
	gk := schema.GroupKind{Group: gv.Group, Kind: r.Kind}
	m, err := c.mapper.RESTMapping(gk, gv.Version)
	if meta.IsNoMatchError(err) {
		c.mapper.Reset()
		m, err = c.mapper.RESTMapping(gk, gv.Version)
	}
	if err != nil {
		return schema.GroupVersionResource{}, false, fmt.Errorf("owner kind %s: %w", gk, err)
	}
	return m.Resource, m.Scope.Name() == meta.RESTScopeNameNamespace, nil
}
