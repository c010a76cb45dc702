package validation

import (
	"fmt"
	"strings"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/utils/ptr"
)

var updatablePodFields = []string{
	"`spec.containers[*].image`",
	"`spec.initContainers[*].image`",
	"`spec.activeDeadlineSeconds`",
	"`spec.tolerations` (only additions to existing tolerations)",
	"`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
}

// validatePodUpdate allows only upstream's mutable pod spec fields to change:
// container images, activeDeadlineSeconds (set or lowered), added
// tolerations (and lowered NoExecute tolerationSeconds), removed scheduling
// gates, and terminationGracePeriodSeconds from negative to 1. Everything
// else is reported as one Forbidden error on spec with a diff.
func validatePodUpdate(pod, old *corev1.Pod) field.ErrorList {
	if len(pod.Spec.Containers) != len(old.Spec.Containers) {
		return field.ErrorList{field.Forbidden(specPath.Child("containers"), "pod updates may not add or remove containers")}
	}
	errs := validateDeadlineUpdate(pod.Spec.ActiveDeadlineSeconds, old.Spec.ActiveDeadlineSeconds, specPath.Child("activeDeadlineSeconds"))
	errs = append(errs, validateTolerationsUpdate(pod.Spec.Tolerations, old.Spec.Tolerations, specPath.Child("tolerations"))...)
	munged := mungePodSpec(&pod.Spec, &old.Spec)
	if !equality.Semantic.DeepEqual(munged, &old.Spec) {
		diff := cmp.Diff(old.Spec, *munged)
		errs = append(errs, field.Forbidden(specPath, fmt.Sprintf("pod updates may not change fields other than %s\n%v",
			strings.Join(updatablePodFields, ","), diff)))
	}
	return errs
}

// mungePodSpec returns a copy of spec with the fields an update may change
// taken from old, so that any remaining difference is forbidden.
func mungePodSpec(spec, old *corev1.PodSpec) *corev1.PodSpec {
	m := spec.DeepCopy()
	for i := range m.Containers {
		m.Containers[i].Image = old.Containers[i].Image
	}
	if len(m.InitContainers) == len(old.InitContainers) {
		for i := range m.InitContainers {
			m.InitContainers[i].Image = old.InitContainers[i].Image
		}
	}
	m.ActiveDeadlineSeconds = old.ActiveDeadlineSeconds
	m.Tolerations = old.Tolerations
	m.EphemeralContainers = old.EphemeralContainers
	if old.TerminationGracePeriodSeconds != nil && *old.TerminationGracePeriodSeconds < 0 &&
		ptr.Deref(m.TerminationGracePeriodSeconds, 0) == 1 {
		m.TerminationGracePeriodSeconds = old.TerminationGracePeriodSeconds
	}
	if gatesRemovedOnly(m.SchedulingGates, old.SchedulingGates) {
		m.SchedulingGates = old.SchedulingGates
	}
	return m
}

func gatesRemovedOnly(gates, old []corev1.PodSchedulingGate) bool {
	kept := map[string]bool{}
	for _, g := range old {
		kept[g.Name] = true
	}
	for _, g := range gates {
		if !kept[g.Name] {
			return false
		}
	}
	return true
}

func validateDeadlineUpdate(deadline, old *int64, p *field.Path) field.ErrorList {
	switch {
	case old == nil:
		return nil
	case deadline == nil:
		return field.ErrorList{field.Invalid(p, deadline, "must not update from a positive integer to nil value")}
	case *deadline > *old:
		return field.ErrorList{field.Invalid(p, *deadline, "must be less than or equal to previous value")}
	}
	return nil
}

// validateTolerationsUpdate requires every old toleration to be kept; a
// NoExecute toleration may only lower its tolerationSeconds.
func validateTolerationsUpdate(ts, old []corev1.Toleration, p *field.Path) field.ErrorList {
	for _, o := range old {
		if !keepsToleration(ts, o) {
			return field.ErrorList{field.Forbidden(p, "existing toleration can not be modified except its tolerationSeconds")}
		}
	}
	return nil
}

func keepsToleration(ts []corev1.Toleration, o corev1.Toleration) bool {
	for _, t := range ts {
		if t.Key != o.Key || t.Operator != o.Operator || t.Value != o.Value || t.Effect != o.Effect {
			continue
		}
		if o.TolerationSeconds == nil {
			return t.TolerationSeconds == nil
		}
		if t.TolerationSeconds != nil && *t.TolerationSeconds <= *o.TolerationSeconds {
			return true
		}
	}
	return false
}
