package validation

import (
	"math"

	corev1 "k8s.io/api/core/v1"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

var specPath = field.NewPath("spec")

func validatePod(p *corev1.Pod) field.ErrorList {
	return validatePodSpec(&p.Spec, specPath)
}

// validatePodTemplateSpec checks the labels, annotations and pod spec of a
// template embedded at path.
func validatePodTemplateSpec(t *corev1.PodTemplateSpec, path *field.Path) field.ErrorList {
	meta := path.Child("metadata")
	errs := metav1validation.ValidateLabels(t.Labels, meta.Child("labels"))
	errs = append(errs, apivalidation.ValidateAnnotations(t.Annotations, meta.Child("annotations"))...)
	return append(errs, validatePodSpec(&t.Spec, path.Child("spec"))...)
}

// validatePodSpec checks a pod spec found at path (spec of a pod, or
// spec.template.spec of a workload).
func validatePodSpec(s *corev1.PodSpec, path *field.Path) field.ErrorList {
	volumes, errs := validateVolumes(s.Volumes, path.Child("volumes"))
	errs = append(errs, validateContainerNames(s, path)...)
	errs = append(errs, validateContainers(s.Containers, volumes, path.Child("containers"))...)
	errs = append(errs, validateInitContainers(s.InitContainers, volumes, path.Child("initContainers"))...)
	errs = append(errs, oneOf(s.RestartPolicy, path.Child("restartPolicy"),
		corev1.RestartPolicyAlways, corev1.RestartPolicyOnFailure, corev1.RestartPolicyNever)...)
	errs = append(errs, validateDNS(s, path)...)
	errs = append(errs, metav1validation.ValidateLabels(s.NodeSelector, path.Child("nodeSelector"))...)
	errs = append(errs, validateTolerations(s.Tolerations, path.Child("tolerations"))...)
	errs = append(errs, validateAffinity(s.Affinity, path.Child("affinity"))...)
	errs = append(errs, validateTopologySpread(s.TopologySpreadConstraints, path.Child("topologySpreadConstraints"))...)
	errs = append(errs, validateSchedulingGates(s.SchedulingGates, path.Child("schedulingGates"))...)
	errs = append(errs, validatePodNames(s, path)...)
	errs = append(errs, inRange(s.ActiveDeadlineSeconds, 1, math.MaxInt32, path.Child("activeDeadlineSeconds"))...)
	return append(errs, validateHostNetwork(s, path)...)
}

// validatePodNames checks the optional names a pod spec refers to.
func validatePodNames(s *corev1.PodSpec, path *field.Path) field.ErrorList {
	var errs field.ErrorList
	optional := func(value string, p *field.Path, check func(string) []string) {
		if value != "" {
			errs = append(errs, invalidEach(p, value, check(value))...)
		}
	}
	optional(s.ServiceAccountName, path.Child("serviceAccountName"), isDNS1123Subdomain)
	optional(s.NodeName, path.Child("nodeName"), isDNS1123Subdomain)
	optional(s.Hostname, path.Child("hostname"), isDNS1123Label)
	optional(s.Subdomain, path.Child("subdomain"), isDNS1123Label)
	optional(s.PriorityClassName, path.Child("priorityClassName"), isDNS1123Subdomain)
	return errs
}

// validateContainerNames requires names unique across init, regular and
// ephemeral containers.
func validateContainerNames(s *corev1.PodSpec, path *field.Path) field.ErrorList {
	var errs field.ErrorList
	seen := map[string]bool{}
	check := func(name string, p *field.Path) {
		if name != "" && seen[name] {
			errs = append(errs, field.Duplicate(p, name))
		}
		seen[name] = true
	}
	for i := range s.InitContainers {
		check(s.InitContainers[i].Name, path.Child("initContainers").Index(i).Child("name"))
	}
	for i := range s.Containers {
		check(s.Containers[i].Name, path.Child("containers").Index(i).Child("name"))
	}
	for i := range s.EphemeralContainers {
		check(s.EphemeralContainers[i].Name, path.Child("ephemeralContainers").Index(i).Child("name"))
	}
	return errs
}

// validateHostNetwork requires host ports equal to container ports when the
// pod uses the host's network (0 is allowed in templates, where it has not
// been defaulted).
func validateHostNetwork(s *corev1.PodSpec, path *field.Path) field.ErrorList {
	if !s.HostNetwork {
		return nil
	}
	var errs field.ErrorList
	check := func(cs []corev1.Container, p *field.Path) {
		for i := range cs {
			for j, port := range cs[i].Ports {
				if port.HostPort != 0 && port.HostPort != port.ContainerPort {
					errs = append(errs, field.Invalid(p.Index(i).Child("ports").Index(j).Child("containerPort"),
						port.ContainerPort, "must match `hostPort` when `hostNetwork` is true"))
				}
			}
		}
	}
	check(s.InitContainers, path.Child("initContainers"))
	check(s.Containers, path.Child("containers"))
	return errs
}

func validateSchedulingGates(gates []corev1.PodSchedulingGate, path *field.Path) field.ErrorList {
	var errs field.ErrorList
	seen := map[string]bool{}
	for i, g := range gates {
		p := path.Index(i).Child("name")
		errs = append(errs, invalidEach(p, g.Name, isQualifiedName(g.Name))...)
		if seen[g.Name] {
			errs = append(errs, field.Duplicate(p, g.Name))
		}
		seen[g.Name] = true
	}
	return errs
}
