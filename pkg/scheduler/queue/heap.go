package queue

import corev1 "k8s.io/api/core/v1"

// podHeap is a heap of queued pods with an index by key.
type podHeap struct {
	items []*QueuedPod
	byKey map[string]*QueuedPod
	less  func(a, b *QueuedPod) bool
}

func newHeap(less func(a, b *QueuedPod) bool) *podHeap {
	return &podHeap{byKey: map[string]*QueuedPod{}, less: less}
}

func (h *podHeap) get(k string) *QueuedPod { return h.byKey[k] }
func (h podHeap) Len() int                 { return len(h.items) }
func (h podHeap) Less(i, j int) bool       { return h.less(h.items[i], h.items[j]) }
func (h podHeap) Swap(i, j int) {
	h.items[i], h.items[j] = h.items[j], h.items[i]
	h.items[i].index, h.items[j].index = i, j
}

func (h *podHeap) Push(x any) {
	qp := x.(*QueuedPod)
	qp.index = len(h.items)
	h.items = append(h.items, qp)
	h.byKey[qp.Key()] = qp
}

func (h *podHeap) Pop() any {
	n := len(h.items)
	qp := h.items[n-1]
	h.items[n-1] = nil
	h.items = h.items[:n-1]
	delete(h.byKey, qp.Key())
	return qp
}

func priority(p *corev1.Pod) int32 {
	if p.Spec.Priority != nil {
		return *p.Spec.Priority
	}
	return 0
}

// lessActive: higher priority first, then earlier timestamp.
func lessActive(a, b *QueuedPod) bool {
	pa, pb := priority(a.Pod), priority(b.Pod)
	if pa != pb {
		return pa > pb
	}
	return a.timestamp.Before(b.timestamp)
}

func lessBackoff(a, b *QueuedPod) bool { return a.backoffUntil.Before(b.backoffUntil) }
