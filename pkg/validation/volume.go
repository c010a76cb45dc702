package validation

import (
	"path"
	"reflect"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

const fileModeErrorMsg = "must be a number between 0 and 0777 (octal), both inclusive"

// validateVolumes checks pod volumes and returns the set of their names for
// the volume mounts to refer to.
func validateVolumes(vols []corev1.Volume, p *field.Path) (map[string]bool, field.ErrorList) {
	var errs field.ErrorList
	names := map[string]bool{}
	for i := range vols {
		v, idx := &vols[i], p.Index(i)
		errs = append(errs, dnsLabel(v.Name, idx.Child("name"))...)
		if names[v.Name] {
			errs = append(errs, field.Duplicate(idx.Child("name"), v.Name))
		}
		names[v.Name] = true
		errs = append(errs, validateVolumeSource(&v.VolumeSource, idx)...)
	}
	return names, errs
}

// setSources returns the JSON names of the non-nil pointer fields of a
// volume source struct: the volume types it specifies.
func setSources(src any) []string {
	v := reflect.ValueOf(src).Elem()
	var set []string
	for i := 0; i < v.NumField(); i++ {
		if f := v.Field(i); f.Kind() == reflect.Pointer && !f.IsNil() {
			name, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("json"), ",")
			set = append(set, name)
		}
	}
	return set
}

// exactlyOneSource requires one volume type among the set ones.
func exactlyOneSource(set []string, p *field.Path) field.ErrorList {
	if len(set) == 0 {
		return field.ErrorList{field.Required(p, "must specify a volume type")}
	}
	var errs field.ErrorList
	for _, name := range set[1:] {
		errs = append(errs, field.Forbidden(p.Child(name), "may not specify more than 1 volume type"))
	}
	return errs
}

func validateVolumeSource(s *corev1.VolumeSource, p *field.Path) field.ErrorList {
	errs := exactlyOneSource(setSources(s), p)
	switch {
	case s.HostPath != nil:
		errs = append(errs, validateHostPath(s.HostPath, p.Child("hostPath"))...)
	case s.EmptyDir != nil:
		errs = append(errs, validateEmptyDir(s.EmptyDir, p.Child("emptyDir"))...)
	case s.Secret != nil:
		sp := p.Child("secret")
		errs = append(errs, dnsSubdomain(s.Secret.SecretName, sp.Child("secretName"))...)
		errs = append(errs, validateFileMode(s.Secret.DefaultMode, sp.Child("defaultMode"))...)
		errs = append(errs, validateKeyToPaths(s.Secret.Items, sp.Child("items"))...)
	case s.ConfigMap != nil:
		cp := p.Child("configMap")
		errs = append(errs, dnsSubdomain(s.ConfigMap.Name, cp.Child("name"))...)
		errs = append(errs, validateFileMode(s.ConfigMap.DefaultMode, cp.Child("defaultMode"))...)
		errs = append(errs, validateKeyToPaths(s.ConfigMap.Items, cp.Child("items"))...)
	case s.PersistentVolumeClaim != nil:
		if s.PersistentVolumeClaim.ClaimName == "" {
			errs = append(errs, field.Required(p.Child("persistentVolumeClaim", "claimName"), ""))
		}
	case s.DownwardAPI != nil:
		errs = append(errs, validateFileMode(s.DownwardAPI.DefaultMode, p.Child("downwardAPI", "defaultMode"))...)
		errs = append(errs, validateDownwardAPIFiles(s.DownwardAPI.Items, p.Child("downwardAPI", "items"))...)
	case s.Projected != nil:
		errs = append(errs, validateProjected(s.Projected, p.Child("projected"))...)
	case s.NFS != nil:
		errs = append(errs, validateNFS(s.NFS, p.Child("nfs"))...)
	case s.Ephemeral != nil && s.Ephemeral.VolumeClaimTemplate == nil:
		errs = append(errs, field.Required(p.Child("ephemeral", "volumeClaimTemplate"), ""))
	}
	return errs
}

func validateHostPath(h *corev1.HostPathVolumeSource, p *field.Path) field.ErrorList {
	if h.Path == "" {
		return field.ErrorList{field.Required(p.Child("path"), "")}
	}
	var errs field.ErrorList
	for _, part := range strings.Split(h.Path, "/") {
		if part == ".." {
			errs = append(errs, field.Invalid(p.Child("path"), h.Path, "must not contain '..'"))
			break
		}
	}
	if h.Type != nil {
		errs = append(errs, optionalOneOf(*h.Type, p.Child("type"), corev1.HostPathDirectoryOrCreate, corev1.HostPathDirectory,
			corev1.HostPathFileOrCreate, corev1.HostPathFile, corev1.HostPathSocket, corev1.HostPathCharDev, corev1.HostPathBlockDev)...)
	}
	return errs
}

func validateEmptyDir(e *corev1.EmptyDirVolumeSource, p *field.Path) field.ErrorList {
	errs := optionalOneOf(e.Medium, p.Child("medium"), corev1.StorageMediumDefault, corev1.StorageMediumMemory,
		corev1.StorageMediumHugePages)
	if e.SizeLimit != nil {
		errs = append(errs, validateQuantity(*e.SizeLimit, p.Child("sizeLimit"))...)
	}
	return errs
}

func validateNFS(n *corev1.NFSVolumeSource, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if n.Server == "" {
		errs = append(errs, field.Required(p.Child("server"), ""))
	}
	if n.Path == "" {
		errs = append(errs, field.Required(p.Child("path"), ""))
	} else if !path.IsAbs(n.Path) {
		errs = append(errs, field.Invalid(p.Child("path"), n.Path, "must be an absolute path"))
	}
	return errs
}

func validateFileMode(mode *int32, p *field.Path) field.ErrorList {
	if mode != nil && (*mode < 0 || *mode > 0o777) {
		return field.ErrorList{field.Invalid(p, *mode, fileModeErrorMsg)}
	}
	return nil
}

func validateKeyToPaths(items []corev1.KeyToPath, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, it := range items {
		idx := p.Index(i)
		if it.Key == "" {
			errs = append(errs, field.Required(idx.Child("key"), ""))
		}
		errs = append(errs, validateItemPath(it.Path, idx.Child("path"))...)
		errs = append(errs, validateFileMode(it.Mode, idx.Child("mode"))...)
	}
	return errs
}

// validateItemPath requires a relative path that neither climbs out nor
// starts with "..".
func validateItemPath(value string, p *field.Path) field.ErrorList {
	if value == "" {
		return field.ErrorList{field.Required(p, "")}
	}
	errs := validateRelativePath(value, p)
	if strings.HasPrefix(value, "..") {
		errs = append(errs, field.Invalid(p, value, "must not start with '..'"))
	}
	return errs
}

func validateDownwardAPIFiles(items []corev1.DownwardAPIVolumeFile, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, it := range items {
		idx := p.Index(i)
		errs = append(errs, validateItemPath(it.Path, idx.Child("path"))...)
		errs = append(errs, validateFileMode(it.Mode, idx.Child("mode"))...)
		if (it.FieldRef == nil) == (it.ResourceFieldRef == nil) {
			errs = append(errs, field.Invalid(idx, "", "must specify one of `fieldRef` or `resourceFieldRef`"))
		}
	}
	return errs
}

func validateProjected(pr *corev1.ProjectedVolumeSource, p *field.Path) field.ErrorList {
	errs := validateFileMode(pr.DefaultMode, p.Child("defaultMode"))
	for i := range pr.Sources {
		src, idx := &pr.Sources[i], p.Child("sources").Index(i)
		set := setSources(src)
		if len(set) == 0 {
			errs = append(errs, field.Required(idx, "must specify a projection type"))
		}
		for _, name := range set[min(1, len(set)):] {
			errs = append(errs, field.Forbidden(idx.Child(name), "may not specify more than 1 projection type"))
		}
		if t := src.ServiceAccountToken; t != nil {
			errs = append(errs, validateItemPath(t.Path, idx.Child("serviceAccountToken", "path"))...)
			if t.ExpirationSeconds != nil && *t.ExpirationSeconds < 600 {
				errs = append(errs, field.Invalid(idx.Child("serviceAccountToken", "expirationSeconds"), *t.ExpirationSeconds,
					"may not specify a duration less than 10 minutes"))
			}
		}
	}
	return errs
}
