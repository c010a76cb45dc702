package scheduler

import (
	"sync"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"

	"skiff/pkg/scheduler/framework"
)

// cache keeps the snapshot the algorithm decides on in step with the informers, and counts a
// pod on its node from the moment it is decided ("assumed") until the informer reports it
// bound, or the bind fails and it is forgotten. Callers hold mu around reads of snap.
type podCache struct {
	mu      sync.Mutex
	snap    *framework.Snapshot
	bound   map[types.UID]*corev1.Pod
	assumed map[types.UID]*corev1.Pod
}

func newCache() *podCache {
	return &podCache{snap: framework.NewSnapshot(nil, nil), bound: map[types.UID]*corev1.Pod{}, assumed: map[types.UID]*corev1.Pod{}}
}

func terminated(p *corev1.Pod) bool {
	return p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed
}

// setPod records the current state of a pod the informer reports bound to a node.
func (c *podCache) setPod(pod *corev1.Pod) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.dropLocked(pod.UID)
	if pod.Spec.NodeName == "" || terminated(pod) {
		return
	}
	c.snap.AddPod(pod)
	c.bound[pod.UID] = pod
}

// removePod forgets a pod that is gone.
func (c *podCache) removePod(uid types.UID) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.dropLocked(uid)
}

func (c *podCache) dropLocked(uid types.UID) {
	if a, ok := c.assumed[uid]; ok {
		c.snap.RemovePod(a)
		delete(c.assumed, uid)
	}
	if b, ok := c.bound[uid]; ok {
		c.snap.RemovePod(b)
		delete(c.bound, uid)
	}
}

// assumeLocked counts pod on node before the bind lands. Requires mu.
func (c *podCache) assumeLocked(pod *corev1.Pod, node string) {
	p := pod.DeepCopy()
	p.Spec.NodeName = node
	c.snap.AddPod(p)
	c.assumed[p.UID] = p
}

// forget un-assumes a pod whose bind failed (a pod already confirmed bound stays).
func (c *podCache) forget(uid types.UID) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if a, ok := c.assumed[uid]; ok {
		c.snap.RemovePod(a)
		delete(c.assumed, uid)
	}
}

func (c *podCache) setNode(n *corev1.Node) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.snap.SetNode(n)
}

func (c *podCache) removeNode(name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.snap.RemoveNode(name)
}

func (c *podCache) setNamespace(ns *corev1.Namespace) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.snap.SetNamespace(ns)
}
