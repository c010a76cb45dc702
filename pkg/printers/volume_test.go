package printers

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/runtime"
)

func TestVolumeCells(t *testing.T) {
	fs := corev1.PersistentVolumeFilesystem
	storage := func(q string) corev1.ResourceList {
		return corev1.ResourceList{corev1.ResourceStorage: resource.MustParse(q)}
	}
	boundPV := &corev1.PersistentVolume{
		ObjectMeta: objMeta("pv-1", 3*24*time.Hour),
		Spec: corev1.PersistentVolumeSpec{
			Capacity:                      storage("10Gi"),
			AccessModes:                   []corev1.PersistentVolumeAccessMode{corev1.ReadWriteMany, corev1.ReadWriteOnce, corev1.ReadWriteOnce},
			PersistentVolumeReclaimPolicy: corev1.PersistentVolumeReclaimRetain,
			ClaimRef:                      &corev1.ObjectReference{Namespace: "default", Name: "data"},
			StorageClassName:              "local-path",
			VolumeMode:                    &fs,
		},
		Status: corev1.PersistentVolumeStatus{Phase: corev1.VolumeBound},
	}
	releasedPV := boundPV.DeepCopy()
	releasedPV.DeletionTimestamp = agoPtr(time.Second)
	releasedPV.Annotations = map[string]string{"volume.beta.kubernetes.io/storage-class": "legacy"}
	releasedPV.Spec.ClaimRef, releasedPV.Spec.VolumeMode = nil, nil
	releasedPV.Spec.VolumeAttributesClassName = ptr("gold")
	releasedPV.Status = corev1.PersistentVolumeStatus{Phase: corev1.VolumeFailed, Reason: "Recycle failed"}

	boundPVC := &corev1.PersistentVolumeClaim{
		ObjectMeta: objMeta("data", time.Hour),
		Spec: corev1.PersistentVolumeClaimSpec{
			VolumeName: "pv-1", StorageClassName: ptr("local-path"), VolumeMode: &fs,
			Resources: corev1.VolumeResourceRequirements{Requests: storage("5Gi")},
		},
		Status: corev1.PersistentVolumeClaimStatus{
			Phase: corev1.ClaimBound, Capacity: storage("10Gi"),
			AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOncePod, corev1.ReadOnlyMany},
		},
	}
	pendingPVC := &corev1.PersistentVolumeClaim{
		ObjectMeta: objMeta("cache", time.Hour),
		Spec:       corev1.PersistentVolumeClaimSpec{Resources: corev1.VolumeResourceRequirements{Requests: storage("1Gi")}},
		Status:     corev1.PersistentVolumeClaimStatus{Phase: corev1.ClaimPending},
	}
	tests := []struct {
		name string
		obj  runtime.Object
		want []any
	}{
		{"bound volume", boundPV, []any{"pv-1", "10Gi", "RWO,RWX", "Retain", "Bound", "default/data", "local-path", "<unset>", "", "3d", "Filesystem"}},
		{"deleted volume with beta class", releasedPV, []any{"pv-1", "10Gi", "RWO,RWX", "Retain", "Terminating", "", "legacy", "gold", "Recycle failed", "3d", "<unset>"}},
		{"bound claim", boundPVC, []any{"data", "Bound", "pv-1", "10Gi", "ROX,RWOP", "local-path", "<unset>", "60m", "Filesystem"}},
		{"pending claim", pendingPVC, []any{"cache", "Pending", "", "", "", "", "<unset>", "60m", "<unset>"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, rowCells(t, tc.obj)); diff != "" {
				t.Errorf("cells (-want +got):\n%s", diff)
			}
		})
	}
}
