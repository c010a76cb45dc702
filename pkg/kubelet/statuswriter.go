package kubelet

import (
	"context"
	"fmt"
	"sync"

	v1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
)

// statusWriter writes pod statuses through pods/status, only when they changed: a status equal
// to the cached pod's, or to the last one written (the cache may lag), is skipped.
type statusWriter struct {
	client kubernetes.Interface

	mu   sync.Mutex
	last map[types.UID]v1.PodStatus
}

func newStatusWriter(c kubernetes.Interface) *statusWriter {
	return &statusWriter{client: c, last: map[types.UID]v1.PodStatus{}}
}

// write sets pod's status to st. pod is the (shared, unmodified) cached object.
func (w *statusWriter) write(ctx context.Context, pod *v1.Pod, st v1.PodStatus) error {
	if apiequality.Semantic.DeepEqual(pod.Status, st) {
		return nil
	}
	w.mu.Lock()
	last, ok := w.last[pod.UID]
	w.mu.Unlock()
	if ok && apiequality.Semantic.DeepEqual(last, st) {
		return nil
	}
	next := pod.DeepCopy()
	next.Status = st
	pods := w.client.CoreV1().Pods(pod.Namespace)
	_, err := pods.UpdateStatus(ctx, next, metav1.UpdateOptions{})
	if apierrors.IsConflict(err) {
		fresh, gerr := pods.Get(ctx, pod.Name, metav1.GetOptions{})
		if gerr != nil {
			return fmt.Errorf("update status of %s/%s: %w", pod.Namespace, pod.Name, gerr)
		}
		if fresh.UID != pod.UID {
			return nil
		}
		fresh.Status = st
		_, err = pods.UpdateStatus(ctx, fresh, metav1.UpdateOptions{})
	}
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("update status of %s/%s: %w", pod.Namespace, pod.Name, err)
	}
	w.mu.Lock()
	w.last[pod.UID] = st
	w.mu.Unlock()
	return nil
}

// forget drops what was written for uid.
func (w *statusWriter) forget(uid types.UID) {
	w.mu.Lock()
	defer w.mu.Unlock()
	delete(w.last, uid)
}
