package podendpoint

import (
	"maps"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/informers"
	corelisters "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/workqueue"
	"k8s.io/kubectl/pkg/util/podutils"

	"skiff/pkg/controller/loop"
)

// Source is the Service and pod caches an endpoints controller reads.
type Source struct {
	Services corelisters.ServiceLister
	Pods     corelisters.PodLister
	// Synced reports whether both caches have synced.
	Synced []cache.InformerSynced
}

// Watch registers with f's Service and pod informers (the caller starts f) handlers that add
// to q the "namespace/name" key of every Service whose endpoints may have changed: a Service
// added, updated or deleted, and the Services selecting a pod (with its old and new labels)
// when the pod is added, deleted or changes what its endpoint shows. Handlers never block.
func Watch(f informers.SharedInformerFactory, q workqueue.TypedInterface[string]) *Source {
	svcInf, podInf := f.Core().V1().Services(), f.Core().V1().Pods()
	s := &Source{Services: svcInf.Lister(), Pods: podInf.Lister(),
		Synced: []cache.InformerSynced{svcInf.Informer().HasSynced, podInf.Informer().HasSynced}}
	_, _ = svcInf.Informer().AddEventHandler(loop.Handler(q))
	w := &podHandler{svcs: s.Services, q: q}
	_, _ = podInf.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc: w.enqueue, UpdateFunc: w.updated, DeleteFunc: w.enqueue,
	})
	return s
}

// Selected returns the pods of svc's namespace that its selector matches, from the cache;
// none for a Service without a selector.
func (s *Source) Selected(svc *corev1.Service) ([]*corev1.Pod, error) {
	if !HasSelector(svc) {
		return nil, nil
	}
	return s.Pods.Pods(svc.Namespace).List(labels.SelectorFromValidatedSet(svc.Spec.Selector))
}

// HasSelector reports whether the controllers manage svc's endpoints: Services without a
// selector get endpoints from their users.
func HasSelector(svc *corev1.Service) bool { return len(svc.Spec.Selector) > 0 }

type podHandler struct {
	svcs corelisters.ServiceLister
	q    workqueue.TypedInterface[string]
}

func (h *podHandler) enqueue(obj any) {
	if pod, ok := loop.Unwrap[*corev1.Pod](obj); ok {
		h.enqueueSelecting(pod.Namespace, pod.Labels)
	}
}

func (h *podHandler) updated(oldObj, newObj any) {
	old, cur := oldObj.(*corev1.Pod), newObj.(*corev1.Pod)
	if !Changed(old, cur) {
		return
	}
	h.enqueueSelecting(cur.Namespace, cur.Labels)
	if !maps.Equal(old.Labels, cur.Labels) {
		h.enqueueSelecting(old.Namespace, old.Labels)
	}
}

// enqueueSelecting adds the keys of the Services in ns whose selector matches podLabels.
func (h *podHandler) enqueueSelecting(ns string, podLabels map[string]string) {
	list, err := h.svcs.Services(ns).List(labels.Everything())
	if err != nil {
		return
	}
	set := labels.Set(podLabels)
	for _, svc := range list {
		if HasSelector(svc) && labels.SelectorFromValidatedSet(svc.Spec.Selector).Matches(set) {
			h.q.Add(svc.Namespace + "/" + svc.Name)
		}
	}
}

// Changed reports whether an update from old to cur changes anything For reads: labels,
// IP, phase, readiness, termination, node, hostname or subdomain. (Container ports are
// immutable.)
func Changed(old, cur *corev1.Pod) bool {
	return !maps.Equal(old.Labels, cur.Labels) || IPv4(old) != IPv4(cur) ||
		old.Status.Phase != cur.Status.Phase || podutils.IsPodReady(old) != podutils.IsPodReady(cur) ||
		(old.DeletionTimestamp == nil) != (cur.DeletionTimestamp == nil) ||
		old.Spec.NodeName != cur.Spec.NodeName || old.Spec.Hostname != cur.Spec.Hostname ||
		old.Spec.Subdomain != cur.Spec.Subdomain
}
