package printers

import (
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// betaStorageClassAnnotation is the legacy way to name a storage class.
const betaStorageClassAnnotation = "volume.beta.kubernetes.io/storage-class"

func persistentVolumeColumns() []metav1.TableColumnDefinition {
	spec := corev1.PersistentVolumeSpec{}.SwaggerDoc()
	status := corev1.PersistentVolumeStatus{}.SwaggerDoc()
	return []metav1.TableColumnDefinition{
		nameColumn(),
		col("Capacity", typeString, spec["capacity"]),
		col("Access Modes", typeString, spec["accessModes"]),
		col("Reclaim Policy", typeString, spec["persistentVolumeReclaimPolicy"]),
		col("Status", typeString, status["phase"]),
		col("Claim", typeString, spec["claimRef"]),
		col("StorageClass", typeString, "StorageClass of the pv"),
		col("VolumeAttributesClass", typeString, "VolumeAttributesClass of the pv"),
		col("Reason", typeString, status["reason"]),
		ageColumn(),
		wide("VolumeMode", typeString, spec["volumeMode"]),
	}
}

func persistentVolumeCells(pv *corev1.PersistentVolume, now time.Time) []any {
	claim := ""
	if ref := pv.Spec.ClaimRef; ref != nil {
		claim = ref.Namespace + "/" + ref.Name
	}
	phase := string(pv.Status.Phase)
	if pv.DeletionTimestamp != nil {
		phase = "Terminating"
	}
	class := pv.Spec.StorageClassName
	if v, ok := pv.Annotations[betaStorageClassAnnotation]; ok {
		class = v
	}
	capacity := pv.Spec.Capacity[corev1.ResourceStorage]
	return []any{
		pv.Name, capacity.String(), accessModes(pv.Spec.AccessModes),
		string(pv.Spec.PersistentVolumeReclaimPolicy), phase, claim, class,
		stringOrUnset(pv.Spec.VolumeAttributesClassName), pv.Status.Reason,
		age(pv.CreationTimestamp, now), volumeMode(pv.Spec.VolumeMode),
	}
}

func persistentVolumeClaimColumns() []metav1.TableColumnDefinition {
	spec := corev1.PersistentVolumeClaimSpec{}.SwaggerDoc()
	status := corev1.PersistentVolumeClaimStatus{}.SwaggerDoc()
	return []metav1.TableColumnDefinition{
		nameColumn(),
		col("Status", typeString, status["phase"]),
		col("Volume", typeString, spec["volumeName"]),
		col("Capacity", typeString, status["capacity"]),
		col("Access Modes", typeString, status["accessModes"]),
		col("StorageClass", typeString, "StorageClass of the pvc"),
		col("VolumeAttributesClass", typeString, "VolumeAttributesClass of the pvc"),
		ageColumn(),
		wide("VolumeMode", typeString, spec["volumeMode"]),
	}
}

// persistentVolumeClaimCells shows capacity and access modes only once the
// claim is bound to a volume.
func persistentVolumeClaimCells(pvc *corev1.PersistentVolumeClaim, now time.Time) []any {
	phase := string(pvc.Status.Phase)
	if pvc.DeletionTimestamp != nil {
		phase = "Terminating"
	}
	capacity, modes := "", ""
	if pvc.Spec.VolumeName != "" {
		q := pvc.Status.Capacity[corev1.ResourceStorage]
		capacity, modes = q.String(), accessModes(pvc.Status.AccessModes)
	}
	class := ""
	if pvc.Spec.StorageClassName != nil {
		class = *pvc.Spec.StorageClassName
	}
	if v, ok := pvc.Annotations[betaStorageClassAnnotation]; ok {
		class = v
	}
	return []any{
		pvc.Name, phase, pvc.Spec.VolumeName, capacity, modes, class,
		stringOrUnset(pvc.Spec.VolumeAttributesClassName), age(pvc.CreationTimestamp, now),
		volumeMode(pvc.Spec.VolumeMode),
	}
}

// accessModes abbreviates access modes (RWO,ROX,RWX,RWOP) in a fixed order.
func accessModes(modes []corev1.PersistentVolumeAccessMode) string {
	abbrev := []struct {
		mode  corev1.PersistentVolumeAccessMode
		short string
	}{
		{corev1.ReadWriteOnce, "RWO"},
		{corev1.ReadOnlyMany, "ROX"},
		{corev1.ReadWriteMany, "RWX"},
		{corev1.ReadWriteOncePod, "RWOP"},
	}
	var out []string
	for _, a := range abbrev {
		for _, m := range modes {
			if m == a.mode {
				out = append(out, a.short)
				break
			}
		}
	}
	return strings.Join(out, ",")
}

func volumeMode(m *corev1.PersistentVolumeMode) string {
	if m == nil {
		return "<unset>"
	}
	return string(*m)
}

// stringOrUnset returns *s, or "<unset>" when s is nil.
func stringOrUnset(s *string) string {
	if s == nil {
		return "<unset>"
	}
	return *s
}
