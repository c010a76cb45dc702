package apiserver

import (
	"context"
	"errors"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"

	"skiff/pkg/storage"
)

// admitCreate enforces the namespace lifecycle: no creates in a missing or terminating namespace.
func (s *Server) admitCreate(ctx context.Context, res *resource, obj runtime.Object) error {
	if !res.spec.namespaced {
		return nil
	}
	acc, err := meta.Accessor(obj)
	if err != nil {
		return err
	}
	ns := acc.GetNamespace()
	nsRes := s.byPath["/v1/namespaces"]
	got, err := nsRes.store.Get(ctx, nsRes.key("", ns))
	if errors.Is(err, storage.ErrNotFound) {
		return apierrors.NewNotFound(nsRes.gr, ns)
	}
	if err != nil {
		return storageError(err, nsRes.gr, ns)
	}
	if n := got.(*corev1.Namespace); n.DeletionTimestamp != nil || n.Status.Phase == corev1.NamespaceTerminating {
		return apierrors.NewForbidden(res.gr, acc.GetName(), fmt.Errorf("unable to create new content in namespace %s because it is being terminated", ns))
	}
	return nil
}
