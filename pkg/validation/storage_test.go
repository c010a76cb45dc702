package validation

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func pvcSpec() corev1.PersistentVolumeClaimSpec {
	return corev1.PersistentVolumeClaimSpec{
		AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
		Resources:   corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("1Gi")}},
	}
}

func TestValidatePVC(t *testing.T) {
	pvc := func() *corev1.PersistentVolumeClaim {
		return &corev1.PersistentVolumeClaim{ObjectMeta: objectMeta(), Spec: pvcSpec()}
	}
	runCreate(t, pvc, true, []createCase[*corev1.PersistentVolumeClaim]{
		{name: "valid"},
		{name: "access modes required", mutate: func(c *corev1.PersistentVolumeClaim) { c.Spec.AccessModes = nil },
			want: []string{"FieldValueRequired spec.accessModes"}},
		{name: "bad access mode", mutate: func(c *corev1.PersistentVolumeClaim) {
			c.Spec.AccessModes = []corev1.PersistentVolumeAccessMode{"ReadSometimes"}
		},
			want: []string{"FieldValueNotSupported spec.accessModes"}},
		{name: "storage required", mutate: func(c *corev1.PersistentVolumeClaim) { c.Spec.Resources.Requests = nil },
			want: []string{"FieldValueRequired spec.resources[storage]"}},
		{name: "zero storage", mutate: func(c *corev1.PersistentVolumeClaim) {
			c.Spec.Resources.Requests[corev1.ResourceStorage] = resource.MustParse("0")
		},
			want: []string{"FieldValueInvalid spec.resources.requests[storage]"}},
	})
	runUpdate(t, pvc, true, []updateCase[*corev1.PersistentVolumeClaim]{
		{name: "expand", mutate: func(c *corev1.PersistentVolumeClaim) {
			c.Spec.Resources.Requests[corev1.ResourceStorage] = resource.MustParse("2Gi")
		}},
		{name: "bind", mutate: func(c *corev1.PersistentVolumeClaim) { c.Spec.VolumeName = "pv-1" }},
		{name: "access modes immutable", mutate: func(c *corev1.PersistentVolumeClaim) {
			c.Spec.AccessModes = []corev1.PersistentVolumeAccessMode{corev1.ReadWriteMany}
		}, want: []string{"FieldValueForbidden spec"}},
	})
}

func TestValidatePV(t *testing.T) {
	pv := func() *corev1.PersistentVolume {
		return &corev1.PersistentVolume{ObjectMeta: metav1.ObjectMeta{Name: "pv-1", ResourceVersion: "1"}, Spec: corev1.PersistentVolumeSpec{
			Capacity:               corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("1Gi")},
			AccessModes:            []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
			PersistentVolumeSource: corev1.PersistentVolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/srv/pv-1"}},
		}}
	}
	runCreate(t, pv, false, []createCase[*corev1.PersistentVolume]{
		{name: "valid"},
		{name: "capacity", mutate: func(v *corev1.PersistentVolume) { v.Spec.Capacity = nil },
			want: []string{"FieldValueNotSupported spec.capacity"}},
		{name: "no source", mutate: func(v *corev1.PersistentVolume) { v.Spec.HostPath = nil },
			want: []string{"FieldValueRequired spec"}},
		{name: "two sources", mutate: func(v *corev1.PersistentVolume) { v.Spec.NFS = &corev1.NFSVolumeSource{Server: "s", Path: "/e"} },
			want: []string{"FieldValueForbidden spec.nfs"}},
		{name: "reclaim policy", mutate: func(v *corev1.PersistentVolume) { v.Spec.PersistentVolumeReclaimPolicy = "Keep" },
			want: []string{"FieldValueNotSupported spec.persistentVolumeReclaimPolicy"}},
	})
	runUpdate(t, pv, false, []updateCase[*corev1.PersistentVolume]{
		{name: "source immutable", mutate: func(v *corev1.PersistentVolume) { v.Spec.HostPath.Path = "/other" },
			want: []string{"FieldValueForbidden spec.persistentvolumesource"}},
	})
}
