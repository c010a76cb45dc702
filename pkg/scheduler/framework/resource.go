package framework

import (
	"maps"

	corev1 "k8s.io/api/core/v1"
)

// Default requests assumed for containers that set none, used only for scoring
// (NonZeroRequested), as upstream: 100 millicores and 200 MiB.
const (
	DefaultMilliCPURequest int64 = 100
	DefaultMemoryRequest   int64 = 200 * 1024 * 1024
)

// Resource is a quantity of every schedulable resource. Scalar holds extended resources
// (example.com/gpu, hugepages-*, ...) by name. AllowedPodNumber is only meaningful for
// a node's allocatable.
type Resource struct {
	MilliCPU         int64
	Memory           int64
	EphemeralStorage int64
	AllowedPodNumber int64
	Scalar           map[corev1.ResourceName]int64
}

// NewResource converts a ResourceList (requests or allocatable) into a Resource.
func NewResource(rl corev1.ResourceList) Resource {
	var r Resource
	r.AddList(rl)
	return r
}

// AddList adds every quantity of rl to r.
func (r *Resource) AddList(rl corev1.ResourceList) {
	for name, q := range rl {
		switch name {
		case corev1.ResourceCPU:
			r.MilliCPU += q.MilliValue()
		case corev1.ResourceMemory:
			r.Memory += q.Value()
		case corev1.ResourceEphemeralStorage:
			r.EphemeralStorage += q.Value()
		case corev1.ResourcePods:
			r.AllowedPodNumber += q.Value()
		default:
			r.addScalar(name, q.Value())
		}
	}
}

func (r *Resource) addScalar(name corev1.ResourceName, v int64) {
	if r.Scalar == nil {
		r.Scalar = map[corev1.ResourceName]int64{}
	}
	r.Scalar[name] += v
}

// Add adds o to r.
func (r *Resource) Add(o Resource) {
	r.MilliCPU += o.MilliCPU
	r.Memory += o.Memory
	r.EphemeralStorage += o.EphemeralStorage
	r.AllowedPodNumber += o.AllowedPodNumber
	for name, v := range o.Scalar {
		r.addScalar(name, v)
	}
}

// Sub subtracts o from r.
func (r *Resource) Sub(o Resource) {
	r.MilliCPU -= o.MilliCPU
	r.Memory -= o.Memory
	r.EphemeralStorage -= o.EphemeralStorage
	r.AllowedPodNumber -= o.AllowedPodNumber
	for name, v := range o.Scalar {
		r.addScalar(name, -v)
	}
}

// SetMax raises every quantity of r to at least o's.
func (r *Resource) SetMax(o Resource) {
	r.MilliCPU = max(r.MilliCPU, o.MilliCPU)
	r.Memory = max(r.Memory, o.Memory)
	r.EphemeralStorage = max(r.EphemeralStorage, o.EphemeralStorage)
	r.AllowedPodNumber = max(r.AllowedPodNumber, o.AllowedPodNumber)
	for name, v := range o.Scalar {
		if v > r.Scalar[name] {
			if r.Scalar == nil {
				r.Scalar = map[corev1.ResourceName]int64{}
			}
			r.Scalar[name] = v
		}
	}
}

// Clone returns a copy that shares nothing with r.
func (r Resource) Clone() Resource {
	r.Scalar = maps.Clone(r.Scalar)
	return r
}

// PodRequests returns the pod's effective requests, as upstream computes them: the larger of
// (regular containers + restartable sidecar init containers) and, for each regular init
// container, its own request plus the sidecars started before it; then the pod overhead.
// Pod-level resources (spec.resources.requests), when set, replace cpu and memory.
func PodRequests(pod *corev1.Pod) Resource {
	r := podRequests(pod, containerRequests)
	if pod.Spec.Resources != nil {
		applyPodLevel(&r, pod.Spec.Resources.Requests)
	}
	if pod.Spec.Overhead != nil {
		r.AddList(pod.Spec.Overhead)
	}
	return r
}

// PodNonZeroRequests is PodRequests with upstream's scoring defaults (DefaultMilliCPURequest,
// DefaultMemoryRequest) substituted for each container's missing cpu or memory request.
func PodNonZeroRequests(pod *corev1.Pod) Resource {
	r := podRequests(pod, nonZeroContainerRequests)
	if pod.Spec.Resources != nil {
		applyPodLevel(&r, pod.Spec.Resources.Requests)
	}
	if pod.Spec.Overhead != nil {
		r.AddList(pod.Spec.Overhead)
	}
	return r
}

func applyPodLevel(r *Resource, req corev1.ResourceList) {
	if q, ok := req[corev1.ResourceCPU]; ok {
		r.MilliCPU = q.MilliValue()
	}
	if q, ok := req[corev1.ResourceMemory]; ok {
		r.Memory = q.Value()
	}
}

func podRequests(pod *corev1.Pod, reqOf func(*corev1.Container) Resource) Resource {
	var regular Resource
	for i := range pod.Spec.Containers {
		regular.Add(reqOf(&pod.Spec.Containers[i]))
	}
	var sidecars, initMax Resource
	for i := range pod.Spec.InitContainers {
		c := &pod.Spec.InitContainers[i]
		req := reqOf(c)
		if isSidecar(c) {
			sidecars.Add(req)
			initMax.SetMax(sidecars)
			continue
		}
		req.Add(sidecars)
		initMax.SetMax(req)
	}
	regular.Add(sidecars)
	regular.SetMax(initMax)
	return regular
}

func isSidecar(c *corev1.Container) bool {
	return c.RestartPolicy != nil && *c.RestartPolicy == corev1.ContainerRestartPolicyAlways
}

func containerRequests(c *corev1.Container) Resource {
	return NewResource(c.Resources.Requests)
}

func nonZeroContainerRequests(c *corev1.Container) Resource {
	r := NewResource(c.Resources.Requests)
	if _, ok := c.Resources.Requests[corev1.ResourceCPU]; !ok {
		r.MilliCPU = DefaultMilliCPURequest
	}
	if _, ok := c.Resources.Requests[corev1.ResourceMemory]; !ok {
		r.Memory = DefaultMemoryRequest
	}
	return r
}
