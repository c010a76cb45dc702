package validation

import (
	"path"
	"strings"

	corev1 "k8s.io/api/core/v1"
	utilvalidation "k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

func validateContainers(cs []corev1.Container, volumes map[string]bool, p *field.Path) field.ErrorList {
	if len(cs) == 0 {
		return field.ErrorList{field.Required(p, "")}
	}
	var errs field.ErrorList
	for i := range cs {
		c, idx := &cs[i], p.Index(i)
		errs = append(errs, validateContainer(c, volumes, idx)...)
		errs = append(errs, validateProbe(c.LivenessProbe, idx.Child("livenessProbe"), true)...)
		errs = append(errs, validateProbe(c.ReadinessProbe, idx.Child("readinessProbe"), false)...)
		errs = append(errs, validateProbe(c.StartupProbe, idx.Child("startupProbe"), true)...)
		errs = append(errs, validateLifecycle(c.Lifecycle, idx.Child("lifecycle"))...)
	}
	return errs
}

// validateInitContainers: only sidecars (restartPolicy Always) may carry
// probes and lifecycle hooks.
func validateInitContainers(cs []corev1.Container, volumes map[string]bool, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i := range cs {
		c, idx := &cs[i], p.Index(i)
		errs = append(errs, validateContainer(c, volumes, idx)...)
		if c.RestartPolicy != nil && *c.RestartPolicy == corev1.ContainerRestartPolicyAlways {
			errs = append(errs, validateProbe(c.LivenessProbe, idx.Child("livenessProbe"), true)...)
			errs = append(errs, validateProbe(c.ReadinessProbe, idx.Child("readinessProbe"), false)...)
			errs = append(errs, validateProbe(c.StartupProbe, idx.Child("startupProbe"), true)...)
			errs = append(errs, validateLifecycle(c.Lifecycle, idx.Child("lifecycle"))...)
			continue
		}
		errs = append(errs, forbidInInit(c, idx)...)
	}
	return errs
}

func forbidInInit(c *corev1.Container, idx *field.Path) field.ErrorList {
	const msg = "may not be set for init containers without restartPolicy=Always"
	var errs field.ErrorList
	if c.Lifecycle != nil {
		errs = append(errs, field.Forbidden(idx.Child("lifecycle"), msg))
	}
	if c.LivenessProbe != nil {
		errs = append(errs, field.Forbidden(idx.Child("livenessProbe"), msg))
	}
	if c.ReadinessProbe != nil {
		errs = append(errs, field.Forbidden(idx.Child("readinessProbe"), msg))
	}
	if c.StartupProbe != nil {
		errs = append(errs, field.Forbidden(idx.Child("startupProbe"), msg))
	}
	return errs
}

// validateContainer checks what regular and init containers share.
func validateContainer(c *corev1.Container, volumes map[string]bool, p *field.Path) field.ErrorList {
	errs := dnsLabel(c.Name, p.Child("name"))
	errs = append(errs, validateImage(c.Image, p.Child("image"))...)
	errs = append(errs, oneOf(c.ImagePullPolicy, p.Child("imagePullPolicy"),
		corev1.PullAlways, corev1.PullIfNotPresent, corev1.PullNever)...)
	errs = append(errs, oneOf(c.TerminationMessagePolicy, p.Child("terminationMessagePolicy"),
		corev1.TerminationMessageReadFile, corev1.TerminationMessageFallbackToLogsOnError)...)
	if c.RestartPolicy != nil {
		errs = append(errs, oneOf(*c.RestartPolicy, p.Child("restartPolicy"), corev1.ContainerRestartPolicyAlways,
			corev1.ContainerRestartPolicyOnFailure, corev1.ContainerRestartPolicyNever)...)
	}
	errs = append(errs, validateContainerPorts(c.Ports, p.Child("ports"))...)
	errs = append(errs, validateEnv(c.Env, p.Child("env"))...)
	errs = append(errs, validateEnvFrom(c.EnvFrom, p.Child("envFrom"))...)
	errs = append(errs, validateVolumeMounts(c.VolumeMounts, volumes, p.Child("volumeMounts"))...)
	return append(errs, validateResources(&c.Resources, p.Child("resources"))...)
}

func validateImage(image string, p *field.Path) field.ErrorList {
	if image == "" {
		return field.ErrorList{field.Required(p, "")}
	}
	if image != strings.TrimSpace(image) {
		return field.ErrorList{field.Invalid(p, image, "must not have leading or trailing whitespace")}
	}
	return nil
}

func validateContainerPorts(ports []corev1.ContainerPort, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	names := map[string]bool{}
	for i, port := range ports {
		idx := p.Index(i)
		if port.Name != "" {
			errs = append(errs, invalidEach(idx.Child("name"), port.Name, utilvalidation.IsValidPortName(port.Name))...)
			if names[port.Name] {
				errs = append(errs, field.Duplicate(idx.Child("name"), port.Name))
			}
			names[port.Name] = true
		}
		if port.ContainerPort == 0 {
			errs = append(errs, field.Required(idx.Child("containerPort"), ""))
		} else {
			errs = append(errs, invalidEach(idx.Child("containerPort"), port.ContainerPort, utilvalidation.IsValidPortNum(int(port.ContainerPort)))...)
		}
		if port.HostPort != 0 {
			errs = append(errs, invalidEach(idx.Child("hostPort"), port.HostPort, utilvalidation.IsValidPortNum(int(port.HostPort)))...)
		}
		errs = append(errs, validateProtocol(port.Protocol, idx.Child("protocol"))...)
	}
	return errs
}

func validateProtocol(proto corev1.Protocol, p *field.Path) field.ErrorList {
	return oneOf(proto, p, corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP)
}

func validateVolumeMounts(mounts []corev1.VolumeMount, volumes map[string]bool, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	paths := map[string]bool{}
	for i, m := range mounts {
		idx := p.Index(i)
		if m.Name == "" {
			errs = append(errs, field.Required(idx.Child("name"), ""))
		} else if !volumes[m.Name] {
			errs = append(errs, field.NotFound(idx.Child("name"), m.Name))
		}
		if m.MountPath == "" {
			errs = append(errs, field.Required(idx.Child("mountPath"), ""))
		} else if paths[m.MountPath] {
			errs = append(errs, field.Invalid(idx.Child("mountPath"), m.MountPath, "must be unique"))
		}
		paths[m.MountPath] = true
		if m.SubPath != "" {
			errs = append(errs, validateRelativePath(m.SubPath, idx.Child("subPath"))...)
		}
		if m.SubPath != "" && m.SubPathExpr != "" {
			errs = append(errs, field.Invalid(idx.Child("subPathExpr"), m.SubPathExpr, "subPathExpr and subPath are mutually exclusive"))
		}
		if m.MountPropagation != nil {
			errs = append(errs, oneOf(*m.MountPropagation, idx.Child("mountPropagation"), corev1.MountPropagationNone,
				corev1.MountPropagationHostToContainer, corev1.MountPropagationBidirectional)...)
		}
	}
	return errs
}

// validateRelativePath requires a relative path that does not climb out of
// its directory with "..".
func validateRelativePath(value string, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if path.IsAbs(value) || strings.HasPrefix(value, "\\") {
		errs = append(errs, field.Invalid(p, value, "must be a relative path"))
	}
	for _, part := range strings.FieldsFunc(value, func(r rune) bool { return r == '/' || r == '\\' }) {
		if part == ".." {
			errs = append(errs, field.Invalid(p, value, "must not contain '..'"))
			break
		}
	}
	return errs
}
