package apiserver

import (
	"net/http"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"skiff/pkg/defaults"
	"skiff/pkg/storage"
	"skiff/pkg/validation"
)

// mutation computes the desired object from the current one (both in the served version).
type mutation func(cur runtime.Object) (runtime.Object, error)

func (c *call) update() error {
	if c.ri.subresource == "scale" {
		return c.updateScale(nil)
	}
	data, err := readBody(c.r)
	if err != nil {
		return err
	}
	d, err := c.s.decode(c.r, data, c.res.gvk, c.res.newObj())
	if err != nil {
		return err
	}
	addWarnings(c.w, d.warnings)
	acc, _ := meta.Accessor(d.obj)
	if acc.GetName() != c.ri.name {
		return badRequest("the name of the object (%s) does not match the name on the URL (%s)", acc.GetName(), c.ri.name)
	}
	if err := c.checkNamespace(acc); err != nil {
		return err
	}
	if c.ri.subresource == "finalize" {
		return c.commit(func(cur runtime.Object) (runtime.Object, error) {
			ns, ok := cur.(*corev1.Namespace)
			if !ok {
				return nil, badRequest("finalize applies to namespaces only")
			}
			ns.Spec.Finalizers = d.obj.(*corev1.Namespace).Spec.Finalizers
			return ns, nil
		}, true)
	}
	return c.commit(func(runtime.Object) (runtime.Object, error) { return d.obj.DeepCopyObject(), nil }, true)
}

// commit runs an update through storage's compare-and-swap loop: mutate, then the server's
// update rules (finish). track records managed fields as an Update by the request's manager.
func (c *call) commit(mutate mutation, track bool) error {
	out, err := c.commitObj(mutate, track)
	if err != nil {
		return err
	}
	return c.respond(http.StatusOK, out)
}

// commitObj is commit without the response: it returns the stored result.
func (c *call) commitObj(mutate mutation, track bool) (runtime.Object, error) {
	dry, err := dryRun(c.r)
	if err != nil {
		return nil, err
	}
	mgr, err := manager(c.r)
	if err != nil {
		return nil, err
	}
	// claimed is what the latest attempt allocated (Service addresses), undone when the attempt
	// is retried or the update fails; prev is the object the latest attempt started from.
	var claimed *claims
	var prev runtime.Object
	try := func(stored runtime.Object) (runtime.Object, error) {
		claimed.undo(c.r.Context())
		claimed, prev = nil, stored
		cur, err := c.res.toServed(stored)
		if err != nil {
			return nil, err
		}
		next, err := mutate(cur.DeepCopyObject())
		if err != nil {
			return nil, err
		}
		if next, err = c.finish(cur, next, mgr, track); err != nil {
			return nil, err
		}
		if claimed, err = c.allocate(next, cur, dry); err != nil {
			return nil, err
		}
		return c.res.toStored(next)
	}
	key := c.res.key(c.ri.namespace, c.ri.name)
	if dry {
		cur, err := c.res.store.Get(c.r.Context(), key)
		if err != nil {
			return nil, storageError(err, c.res.gr, c.ri.name)
		}
		out, err := try(cur)
		return out, storageError(err, c.res.gr, c.ri.name)
	}
	out, err := c.res.store.GuaranteedUpdate(c.r.Context(), key, try)
	if err != nil {
		claimed.undo(c.r.Context())
		return nil, storageError(err, c.res.gr, c.ri.name)
	}
	c.releaseFreed(prev, out)
	if finalized(out) {
		if deleted, err := c.res.store.Delete(c.r.Context(), key, sameRV(out)); err == nil {
			out = deleted
			c.deleted(out)
		}
	}
	return out, nil
}

// finish applies the server's rules to an update of cur into next: preconditions, which parts the
// (sub)resource may change, server-owned metadata, defaults, generation, managed fields, validation.
func (c *call) finish(cur, next runtime.Object, mgr string, track bool) (runtime.Object, error) {
	curAcc, _ := meta.Accessor(cur)
	acc, err := meta.Accessor(next)
	if err != nil {
		return nil, err
	}
	if rv := acc.GetResourceVersion(); rv != "" && rv != curAcc.GetResourceVersion() {
		return nil, storage.Conflictf("the object has been modified; please apply your changes to the latest version and try again")
	}
	if uid := acc.GetUID(); uid != "" && uid != curAcc.GetUID() {
		return nil, storage.Conflictf("Precondition failed: UID in precondition: %v, UID in object meta: %v", uid, curAcc.GetUID())
	}
	switch c.ri.subresource {
	case "":
		if c.res.has("status") {
			copyStatus(next, cur)
		}
	case "status":
		base := cur.DeepCopyObject()
		copyStatus(base, next)
		next, acc = base, mustAccessor(base)
	}
	acc.SetUID(curAcc.GetUID())
	acc.SetName(curAcc.GetName())
	acc.SetNamespace(curAcc.GetNamespace())
	acc.SetCreationTimestamp(curAcc.GetCreationTimestamp())
	acc.SetDeletionTimestamp(curAcc.GetDeletionTimestamp())
	acc.SetDeletionGracePeriodSeconds(curAcc.GetDeletionGracePeriodSeconds())
	acc.SetGeneration(curAcc.GetGeneration())
	acc.SetResourceVersion(curAcc.GetResourceVersion())
	acc.SetSelfLink("")
	keepAllocated(next, cur)
	normalize(next)
	defaults.Default(next)
	if c.res.spec.generation && specChanged(cur, next) {
		acc.SetGeneration(curAcc.GetGeneration() + 1)
	}
	if track {
		fm := c.res.managers[c.ri.subresource]
		if fm == nil {
			fm = c.res.managers[""]
		}
		if next, err = fm.Update(cur, next, mgr); err != nil {
			return nil, err
		}
	}
	if errs := validation.ValidateUpdate(next, cur, c.res.spec.namespaced); len(errs) > 0 {
		return nil, apierrors.NewInvalid(c.res.gvk.GroupKind(), acc.GetName(), errs)
	}
	return next, nil
}

func mustAccessor(obj runtime.Object) metav1.Object {
	acc, _ := meta.Accessor(obj)
	return acc
}

// finalized reports whether an object under deletion has nothing left to wait for.
func finalized(obj runtime.Object) bool {
	acc, err := meta.Accessor(obj)
	if err != nil || acc.GetDeletionTimestamp() == nil || len(acc.GetFinalizers()) > 0 {
		return false
	}
	if g := acc.GetDeletionGracePeriodSeconds(); g != nil && *g > 0 {
		return false
	}
	if ns, ok := obj.(*corev1.Namespace); ok && len(ns.Spec.Finalizers) > 0 {
		return false
	}
	return true
}

// sameRV is a delete precondition: the object is still at obj's resourceVersion.
func sameRV(obj runtime.Object) storage.Precondition {
	want, _ := meta.Accessor(obj)
	rv := want.GetResourceVersion()
	return func(cur runtime.Object) error {
		acc, _ := meta.Accessor(cur)
		if acc.GetResourceVersion() != rv {
			return storage.Conflictf("object changed")
		}
		return nil
	}
}
