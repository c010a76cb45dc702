package gc

import (
	"context"
	"encoding/json"
	"slices"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

// getLive reads an object from the API server; it returns nil when the object is gone or has
// been replaced by one with another uid.
func (c *Controller) getLive(ctx context.Context, k objKey, uid types.UID) (*metav1.PartialObjectMetadata, error) {
	got, err := c.md.Resource(k.gvr).Namespace(k.namespace).Get(ctx, k.name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) || (err == nil && got.UID != uid) {
		return nil, nil
	}
	return got, err
}

// deleteObject deletes the object with uid (a precondition, so a newer object of the same name
// survives) and the given propagation.
func (c *Controller) deleteObject(ctx context.Context, k objKey, uid types.UID, p metav1.DeletionPropagation) error {
	err := c.md.Resource(k.gvr).Namespace(k.namespace).Delete(ctx, k.name, metav1.DeleteOptions{
		PropagationPolicy: &p, Preconditions: &metav1.Preconditions{UID: &uid},
	})
	if apierrors.IsNotFound(err) || apierrors.IsConflict(err) {
		return nil
	}
	return err
}

// jsonOp is one JSON-patch operation.
type jsonOp struct {
	Op    string `json:"op"`
	Path  string `json:"path"`
	Value any    `json:"value"`
}

// guardedPatch applies replace ops to o only if it is still at the resourceVersion read;
// a failed test makes the caller retry on fresh data.
func (c *Controller) guardedPatch(ctx context.Context, k objKey, o metav1.Object, path string, v any) error {
	ops := []jsonOp{
		{Op: "test", Path: "/metadata/uid", Value: o.GetUID()},
		{Op: "test", Path: "/metadata/resourceVersion", Value: o.GetResourceVersion()},
		{Op: "replace", Path: path, Value: v},
	}
	data, err := json.Marshal(ops)
	if err != nil {
		return err
	}
	_, err = c.md.Resource(k.gvr).Namespace(k.namespace).Patch(ctx, k.name, types.JSONPatchType, data, metav1.PatchOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	return err
}

// patchRefs removes the ownerReferences with the given uids from o (read live).
func (c *Controller) patchRefs(ctx context.Context, k objKey, o metav1.Object, uids []types.UID) error {
	refs := o.GetOwnerReferences()
	kept := withoutRefs(refs, uids)
	if len(kept) == len(refs) {
		return nil
	}
	return c.guardedPatch(ctx, k, o, "/metadata/ownerReferences", kept)
}

// removeFinalizer removes finalizer from the live object with uid; the API server deletes an
// object being deleted once its last finalizer is gone.
func (c *Controller) removeFinalizer(ctx context.Context, k objKey, uid types.UID, finalizer string) error {
	live, err := c.getLive(ctx, k, uid)
	if err != nil || live == nil || !slices.Contains(live.Finalizers, finalizer) {
		return err
	}
	kept := slices.DeleteFunc(slices.Clone(live.Finalizers), func(f string) bool { return f == finalizer })
	return c.guardedPatch(ctx, k, live, "/metadata/finalizers", kept)
}
