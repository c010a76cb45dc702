// Package admission holds the admission rules the API server applies to new objects, as pure
// functions over the object and the cluster state they need.
package admission

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
)

// System priority classes that exist in every cluster, as upstream.
const (
	SystemClusterCritical = "system-cluster-critical"
	SystemNodeCritical    = "system-node-critical"
)

// SystemPriorityClasses returns the built-in priority classes the server creates at start.
func SystemPriorityClasses() []*schedulingv1.PriorityClass {
	mk := func(name string, v int32, desc string) *schedulingv1.PriorityClass {
		pc := &schedulingv1.PriorityClass{Value: v, Description: desc}
		pc.Name = name
		return pc
	}
	return []*schedulingv1.PriorityClass{
		mk(SystemNodeCritical, 2000001000, "Used for system critical pods that must not be moved from their current node."),
		mk(SystemClusterCritical, 2000000000, "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary."),
	}
}

// ForbiddenError is an admission refusal (the API answers 403 Forbidden).
type ForbiddenError struct{ Msg string }

func (e *ForbiddenError) Error() string { return e.Msg }

// Priority resolves pod.spec.priorityClassName into spec.priority and spec.preemptionPolicy,
// using the global default class when the pod names none. classes is every PriorityClass.
func Priority(pod *corev1.Pod, classes []*schedulingv1.PriorityClass) error {
	class, err := classFor(pod.Spec.PriorityClassName, classes)
	if err != nil {
		return err
	}
	var value int32
	var policy *corev1.PreemptionPolicy
	if class != nil {
		value, policy = class.Value, class.PreemptionPolicy
		pod.Spec.PriorityClassName = class.Name
	}
	if pod.Spec.Priority != nil && *pod.Spec.Priority != value {
		return &ForbiddenError{Msg: fmt.Sprintf("the integer value of priority (%d) must not be provided in pod spec; priority admission controller computed %d from the given PriorityClass name", *pod.Spec.Priority, value)}
	}
	pod.Spec.Priority = &value
	if pod.Spec.PreemptionPolicy == nil {
		if policy == nil {
			p := corev1.PreemptLowerPriority
			policy = &p
		}
		pod.Spec.PreemptionPolicy = policy
	}
	return nil
}

func classFor(name string, classes []*schedulingv1.PriorityClass) (*schedulingv1.PriorityClass, error) {
	if name == "" {
		var def *schedulingv1.PriorityClass
		for _, c := range classes {
			if c.GlobalDefault && (def == nil || c.Value < def.Value) {
				def = c
			}
		}
		return def, nil
	}
	for _, c := range classes {
		if c.Name == name {
			return c, nil
		}
	}
	return nil, &ForbiddenError{Msg: fmt.Sprintf("no PriorityClass with name %s was found", name)}
}
