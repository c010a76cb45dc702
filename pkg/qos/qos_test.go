package qos

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

func res(kv ...string) corev1.ResourceList {
	out := corev1.ResourceList{}
	for i := 0; i < len(kv); i += 2 {
		out[corev1.ResourceName(kv[i])] = resource.MustParse(kv[i+1])
	}
	return out
}

func ctr(req, lim corev1.ResourceList) corev1.Container {
	return corev1.Container{Name: "c", Resources: corev1.ResourceRequirements{Requests: req, Limits: lim}}
}

func TestClass(t *testing.T) {
	full := res("cpu", "1", "memory", "1Gi")
	cases := []struct {
		name string
		init []corev1.Container
		ctrs []corev1.Container
		pod  *corev1.ResourceRequirements
		want corev1.PodQOSClass
	}{
		{"nothing", nil, []corev1.Container{ctr(nil, nil)}, nil, corev1.PodQOSBestEffort},
		{"only storage", nil, []corev1.Container{ctr(res("ephemeral-storage", "1Gi"), nil)}, nil, corev1.PodQOSBestEffort},
		{"equal limits", nil, []corev1.Container{ctr(full, full)}, nil, corev1.PodQOSGuaranteed},
		{"equal in other units", nil, []corev1.Container{ctr(res("cpu", "1000m", "memory", "1Gi"), full)}, nil, corev1.PodQOSGuaranteed},
		{"request below limit", nil, []corev1.Container{ctr(res("cpu", "500m", "memory", "1Gi"), full)}, nil, corev1.PodQOSBurstable},
		{"cpu only", nil, []corev1.Container{ctr(res("cpu", "1"), res("cpu", "1"))}, nil, corev1.PodQOSBurstable},
		{"one guaranteed one besteffort", nil, []corev1.Container{ctr(full, full), ctr(nil, nil)}, nil, corev1.PodQOSBurstable},
		{"init container counts", []corev1.Container{ctr(res("cpu", "1"), nil)}, []corev1.Container{ctr(nil, nil)}, nil, corev1.PodQOSBurstable},
		{"all guaranteed", []corev1.Container{ctr(full, full)}, []corev1.Container{ctr(full, full)}, nil, corev1.PodQOSGuaranteed},
		{"pod level decides", nil, []corev1.Container{ctr(nil, nil)}, &corev1.ResourceRequirements{Requests: full, Limits: full}, corev1.PodQOSGuaranteed},
		{"pod level without cpu or memory ignored", nil, []corev1.Container{ctr(full, full)}, &corev1.ResourceRequirements{Limits: res("hugepages-2Mi", "2Mi")}, corev1.PodQOSGuaranteed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			pod := &corev1.Pod{Spec: corev1.PodSpec{InitContainers: tc.init, Containers: tc.ctrs, Resources: tc.pod}}
			if got := Class(pod); got != tc.want {
				t.Errorf("Class = %s, want %s", got, tc.want)
			}
		})
	}
}
