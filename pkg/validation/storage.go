package validation

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

var accessModes = []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce, corev1.ReadOnlyMany,
	corev1.ReadWriteMany, corev1.ReadWriteOncePod}

func validatePVC(c *corev1.PersistentVolumeClaim) field.ErrorList {
	return validatePVCSpec(&c.Spec, specPath)
}

// validatePVCSpec requires access modes and a positive storage request.
func validatePVCSpec(s *corev1.PersistentVolumeClaimSpec, p *field.Path) field.ErrorList {
	errs := validateAccessModes(s.AccessModes, p.Child("accessModes"))
	errs = append(errs, validateSelector(s.Selector, p.Child("selector"))...)
	storagePath := p.Child("resources", "requests").Key(string(corev1.ResourceStorage))
	storage, ok := s.Resources.Requests[corev1.ResourceStorage]
	if !ok {
		errs = append(errs, field.Required(p.Child("resources").Key(string(corev1.ResourceStorage)), ""))
	} else if storage.Cmp(resource.Quantity{}) <= 0 {
		errs = append(errs, field.Invalid(storagePath, storage.String(), "must be greater than zero"))
	}
	errs = append(errs, validateResourceList(s.Resources.Requests, p.Child("resources", "requests"))...)
	errs = append(errs, validateResourceList(s.Resources.Limits, p.Child("resources", "limits"))...)
	if s.VolumeMode != nil {
		errs = append(errs, oneOf(*s.VolumeMode, p.Child("volumeMode"), corev1.PersistentVolumeBlock, corev1.PersistentVolumeFilesystem)...)
	}
	return errs
}

func validateAccessModes(modes []corev1.PersistentVolumeAccessMode, p *field.Path) field.ErrorList {
	if len(modes) == 0 {
		return field.ErrorList{field.Required(p, "at least 1 access mode is required")}
	}
	var errs field.ErrorList
	for _, m := range modes {
		errs = append(errs, oneOf(m, p, accessModes...)...)
	}
	return errs
}

// validatePVCUpdate lets only resources.requests, volumeAttributesClassName
// and, once, volumeName change.
func validatePVCUpdate(c, old *corev1.PersistentVolumeClaim) field.ErrorList {
	s := c.Spec.DeepCopy()
	s.Resources.Requests = old.Spec.Resources.Requests
	s.VolumeAttributesClassName = old.Spec.VolumeAttributesClassName
	if old.Spec.VolumeName == "" {
		s.VolumeName = old.Spec.VolumeName
	}
	if !equalSemantic(s, &old.Spec) {
		return field.ErrorList{field.Forbidden(specPath,
			"spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims")}
	}
	return nil
}

func validatePV(v *corev1.PersistentVolume) field.ErrorList {
	s := &v.Spec
	var errs field.ErrorList
	capPath := specPath.Child("capacity")
	if _, ok := s.Capacity[corev1.ResourceStorage]; !ok || len(s.Capacity) > 1 {
		errs = append(errs, field.NotSupported(capPath, s.Capacity, []string{string(corev1.ResourceStorage)}))
	}
	errs = append(errs, validateResourceList(s.Capacity, capPath)...)
	errs = append(errs, validateAccessModes(s.AccessModes, specPath.Child("accessModes"))...)
	errs = append(errs, oneOf(s.PersistentVolumeReclaimPolicy, specPath.Child("persistentVolumeReclaimPolicy"),
		corev1.PersistentVolumeReclaimRecycle, corev1.PersistentVolumeReclaimDelete, corev1.PersistentVolumeReclaimRetain)...)
	errs = append(errs, exactlyOneSource(setSources(&s.PersistentVolumeSource), specPath)...)
	if s.HostPath != nil {
		errs = append(errs, validateHostPath(s.HostPath, specPath.Child("hostPath"))...)
	}
	if s.Local != nil {
		if s.Local.Path == "" {
			errs = append(errs, field.Required(specPath.Child("local", "path"), ""))
		}
		if s.NodeAffinity == nil || s.NodeAffinity.Required == nil {
			errs = append(errs, field.Required(specPath.Child("nodeAffinity"), "Local volume requires node affinity"))
		}
	}
	if s.NFS != nil {
		errs = append(errs, validateNFS(s.NFS, specPath.Child("nfs"))...)
	}
	if s.NodeAffinity != nil && s.NodeAffinity.Required != nil {
		errs = append(errs, validateNodeSelector(s.NodeAffinity.Required, specPath.Child("nodeAffinity", "required"))...)
	}
	return errs
}

// validatePVUpdate keeps the volume source.
func validatePVUpdate(v, old *corev1.PersistentVolume) field.ErrorList {
	if !equalSemantic(v.Spec.PersistentVolumeSource, old.Spec.PersistentVolumeSource) {
		return field.ErrorList{field.Forbidden(specPath.Child("persistentvolumesource"), "spec.persistentvolumesource is immutable after creation")}
	}
	return nil
}
