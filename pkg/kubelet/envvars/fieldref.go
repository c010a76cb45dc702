package envvars

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/kubectl/pkg/util/fieldpath"
)

// Facts are the node- and runtime-side values the downward API exposes.
type Facts struct {
	HostIP string
	PodIPs []string
	// NodeAllocatable is the default for a container's unset cpu, memory and
	// ephemeral-storage limits in resourceFieldRef.
	NodeAllocatable v1.ResourceList
}

// ResolveFieldRef is the value of a downward API fieldRef (fieldPath of ObjectFieldSelector)
// for pod, as upstream's kubelet resolves it.
func ResolveFieldRef(pod *v1.Pod, f Facts, fieldPath string) (string, error) {
	podIP := ""
	if len(f.PodIPs) > 0 {
		podIP = f.PodIPs[0]
	}
	switch fieldPath {
	case "spec.nodeName":
		return pod.Spec.NodeName, nil
	case "spec.serviceAccountName":
		return pod.Spec.ServiceAccountName, nil
	case "status.hostIP", "status.hostIPs":
		return f.HostIP, nil
	case "status.podIP":
		return podIP, nil
	case "status.podIPs":
		return strings.Join(f.PodIPs, ","), nil
	}
	return fieldpath.ExtractFieldPathAsString(pod, fieldPath)
}

// ResolveResourceFieldRef is the value of a downward API resourceFieldRef of the named
// container of pod (ref.ContainerName, when set, wins over containerName): the quantity
// divided by ref.Divisor (default 1), rounded up. Unset cpu, memory and ephemeral-storage
// limits default to the node's allocatable, as upstream.
func ResolveResourceFieldRef(pod *v1.Pod, containerName string, ref *v1.ResourceFieldSelector, f Facts) (string, error) {
	if ref.ContainerName != "" {
		containerName = ref.ContainerName
	}
	c := findContainer(pod, containerName)
	if c == nil {
		return "", fmt.Errorf("container %s not found", containerName)
	}
	return containerResourceValue(ref, withDefaultLimits(c, f.NodeAllocatable))
}

func findContainer(pod *v1.Pod, name string) *v1.Container {
	for _, cs := range [][]v1.Container{pod.Spec.Containers, pod.Spec.InitContainers} {
		for i := range cs {
			if cs[i].Name == name {
				return &cs[i]
			}
		}
	}
	return nil
}

// withDefaultLimits is c's resources with unset limits taken from allocatable.
func withDefaultLimits(c *v1.Container, allocatable v1.ResourceList) v1.ResourceRequirements {
	r := *c.Resources.DeepCopy()
	if r.Limits == nil {
		r.Limits = v1.ResourceList{}
	}
	for _, name := range []v1.ResourceName{v1.ResourceCPU, v1.ResourceMemory, v1.ResourceEphemeralStorage} {
		if q, ok := allocatable[name]; ok {
			if _, set := r.Limits[name]; !set {
				r.Limits[name] = q
			}
		}
	}
	return r
}

// containerResourceValue is upstream's ExtractContainerResourceValue.
func containerResourceValue(ref *v1.ResourceFieldSelector, r v1.ResourceRequirements) (string, error) {
	divisor := ref.Divisor
	if divisor.IsZero() {
		divisor = resource.MustParse("1")
	}
	kind, name, ok := strings.Cut(ref.Resource, ".")
	list := r.Limits
	if kind == "requests" {
		list = r.Requests
	} else if kind != "limits" {
		ok = false
	}
	switch rn := v1.ResourceName(name); {
	case !ok:
	case rn == v1.ResourceCPU:
		q := list[rn]
		return ceilString(float64(q.MilliValue()) / float64(divisor.MilliValue())), nil
	case rn == v1.ResourceMemory || rn == v1.ResourceEphemeralStorage || strings.HasPrefix(name, v1.ResourceHugePagesPrefix):
		q := list[rn]
		return ceilString(float64(q.Value()) / float64(divisor.Value())), nil
	}
	return "", fmt.Errorf("unsupported container resource : %v", ref.Resource)
}

func ceilString(v float64) string {
	return strconv.FormatInt(int64(math.Ceil(v)), 10)
}
