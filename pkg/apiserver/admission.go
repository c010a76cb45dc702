package apiserver

import (
	"context"
	"errors"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"skiff/pkg/admission"
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

// admitMutate runs the mutating admission rules on a new object: a pod gets the default
// not-ready/unreachable tolerations and its priority resolved from its PriorityClass (403 when
// the class does not exist).
func (s *Server) admitMutate(ctx context.Context, obj runtime.Object) error {
	pod, ok := obj.(*corev1.Pod)
	if !ok {
		return nil
	}
	admission.DefaultTolerations(pod, admission.DefaultTolerationSeconds)
	pcRes := s.byPath["scheduling.k8s.io/v1/priorityclasses"]
	list, err := pcRes.store.List(ctx, pcRes.key("", ""), storage.ListOptions{})
	if err != nil {
		return storageError(err, pcRes.gr, "")
	}
	classes := make([]*schedulingv1.PriorityClass, 0, len(list.Items))
	for _, it := range list.Items {
		classes = append(classes, it.(*schedulingv1.PriorityClass))
	}
	if err := admission.Priority(pod, classes); err != nil {
		var fe *admission.ForbiddenError
		if errors.As(err, &fe) {
			return apierrors.NewForbidden(schema.GroupResource{Resource: "pods"}, pod.Name, err)
		}
		return err
	}
	return nil
}
