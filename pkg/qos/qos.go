// Package qos computes a pod's quality-of-service class (Guaranteed, Burstable, BestEffort).
package qos

import (
	corev1 "k8s.io/api/core/v1"
)

// qosResources are the resources that decide a pod's QoS class.
var qosResources = [...]corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory}

// Class computes a pod's quality-of-service class as upstream (v1.37) does. Each set of
// requirements (pod-level when it names cpu or memory, else every init and regular container)
// has a shape per resource: BestEffort when request and limit are both zero, Guaranteed when
// equal and non-zero, Burstable otherwise. The pod is Guaranteed or BestEffort only when every
// shape agrees; any mix is Burstable.
func Class(pod *corev1.Pod) corev1.PodQOSClass {
	if r := pod.Spec.Resources; r != nil && (hasQOSResource(r.Requests) || hasQOSResource(r.Limits)) {
		return requirementsQOS(r)
	}
	var class corev1.PodQOSClass
	for _, cs := range [][]corev1.Container{pod.Spec.InitContainers, pod.Spec.Containers} {
		for i := range cs {
			if class = merge(class, requirementsQOS(&cs[i].Resources)); class == corev1.PodQOSBurstable {
				return class
			}
		}
	}
	if class == "" {
		return corev1.PodQOSBestEffort
	}
	return class
}

// requirementsQOS is the class of one set of requirements.
func requirementsQOS(r *corev1.ResourceRequirements) corev1.PodQOSClass {
	var class corev1.PodQOSClass
	for _, name := range qosResources {
		if class = merge(class, resourceQOS(r, name)); class == corev1.PodQOSBurstable {
			return class
		}
	}
	return class
}

// resourceQOS is the shape of one resource: unequal request and limit are Burstable.
func resourceQOS(r *corev1.ResourceRequirements, name corev1.ResourceName) corev1.PodQOSClass {
	req, lim := r.Requests[name], r.Limits[name]
	switch {
	case !req.Equal(lim):
		return corev1.PodQOSBurstable
	case req.IsZero():
		return corev1.PodQOSBestEffort
	default:
		return corev1.PodQOSGuaranteed
	}
}

// merge combines the class so far ("" when none) with the next one: disagreement is Burstable.
func merge(sofar, next corev1.PodQOSClass) corev1.PodQOSClass {
	if sofar == "" || sofar == next {
		return next
	}
	return corev1.PodQOSBurstable
}

func hasQOSResource(l corev1.ResourceList) bool {
	for _, name := range qosResources {
		if _, ok := l[name]; ok {
			return true
		}
	}
	return false
}
