package loop

import (
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/workqueue"
)

// Enqueue returns an informer callback that adds the "namespace/name" key of an object (or
// of the object inside a DeletedFinalStateUnknown tombstone) to q; objects without a key are
// ignored.
func Enqueue(q workqueue.TypedInterface[string]) func(obj any) {
	return func(obj any) {
		if key, err := cache.DeletionHandlingMetaNamespaceKeyFunc(obj); err == nil {
			q.Add(key)
		}
	}
}

// Handler returns informer handlers that enqueue, through Enqueue, every object added,
// updated (the new version) or deleted.
func Handler(q workqueue.TypedInterface[string]) cache.ResourceEventHandlerFuncs {
	enqueue := Enqueue(q)
	return cache.ResourceEventHandlerFuncs{
		AddFunc: enqueue, UpdateFunc: func(_, n any) { enqueue(n) }, DeleteFunc: enqueue,
	}
}

// Unwrap returns obj, or the last known object inside a DeletedFinalStateUnknown tombstone,
// as a T; ok is false when it is not a T.
func Unwrap[T any](obj any) (t T, ok bool) {
	if tomb, isTomb := obj.(cache.DeletedFinalStateUnknown); isTomb {
		obj = tomb.Obj
	}
	t, ok = obj.(T)
	return t, ok
}
