package statefulset

import (
	"fmt"
	"strconv"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// podName is the stable name of the pod with ordinal ord.
func podName(set *appsv1.StatefulSet, ord int) string { return fmt.Sprintf("%s-%d", set.Name, ord) }

// ordinalOf parses the ordinal from the name of a pod of set; ok is false for a foreign name.
func ordinalOf(set *appsv1.StatefulSet, pod *corev1.Pod) (int, bool) {
	rest, found := strings.CutPrefix(pod.Name, set.Name+"-")
	if !found {
		return 0, false
	}
	ord, err := strconv.Atoi(rest)
	if err != nil || ord < 0 || strconv.Itoa(ord) != rest {
		return 0, false
	}
	return ord, true
}

// claimName is the PVC name for volumeClaimTemplate tmpl at ordinal ord.
func claimName(set *appsv1.StatefulSet, tmpl string, ord int) string {
	return fmt.Sprintf("%s-%s-%d", tmpl, set.Name, ord)
}

// startOrdinal is spec.ordinals.start (0 by default).
func startOrdinal(set *appsv1.StatefulSet) int {
	if set.Spec.Ordinals == nil {
		return 0
	}
	return int(set.Spec.Ordinals.Start)
}

// newPod builds the pod for ordinal ord from template (the revision's template): stable name,
// hostname and subdomain, identity labels, claim volumes and set as controller.
func newPod(set *appsv1.StatefulSet, template *corev1.PodTemplateSpec, revision string, ord int) *corev1.Pod {
	t := template.DeepCopy()
	name := podName(set, ord)
	labels := map[string]string{}
	for k, v := range t.Labels {
		labels[k] = v
	}
	labels[appsv1.StatefulSetPodNameLabel] = name
	labels[appsv1.PodIndexLabel] = strconv.Itoa(ord)
	labels[appsv1.ControllerRevisionHashLabelKey] = revision
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: set.Namespace, Labels: labels,
			Annotations: t.Annotations, Finalizers: t.Finalizers,
			OwnerReferences: []metav1.OwnerReference{*metav1.NewControllerRef(set, appsv1.SchemeGroupVersion.WithKind("StatefulSet"))}},
		Spec: t.Spec,
	}
	pod.Spec.Hostname = name
	pod.Spec.Subdomain = set.Spec.ServiceName
	attachClaims(set, pod, ord)
	return pod
}

// attachClaims makes each volumeClaimTemplate a volume of pod backed by the ordinal's PVC,
// replacing a template volume of the same name.
func attachClaims(set *appsv1.StatefulSet, pod *corev1.Pod, ord int) {
	for _, ct := range set.Spec.VolumeClaimTemplates {
		v := corev1.Volume{Name: ct.Name, VolumeSource: corev1.VolumeSource{
			PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: claimName(set, ct.Name, ord)}}}
		replaced := false
		for i := range pod.Spec.Volumes {
			if pod.Spec.Volumes[i].Name == ct.Name {
				pod.Spec.Volumes[i], replaced = v, true
			}
		}
		if !replaced {
			pod.Spec.Volumes = append(pod.Spec.Volumes, v)
		}
	}
}

// newClaim builds the PVC of template ct for ordinal ord, labelled with the set's selector
// labels; it is owned by the set when the retention policy deletes claims with the set.
func newClaim(set *appsv1.StatefulSet, ct *corev1.PersistentVolumeClaim, ord int) *corev1.PersistentVolumeClaim {
	c := ct.DeepCopy()
	labels := map[string]string{}
	for k, v := range c.Labels {
		labels[k] = v
	}
	if set.Spec.Selector != nil {
		for k, v := range set.Spec.Selector.MatchLabels {
			labels[k] = v
		}
	}
	claim := &corev1.PersistentVolumeClaim{
		ObjectMeta: metav1.ObjectMeta{Name: claimName(set, ct.Name, ord), Namespace: set.Namespace, Labels: labels, Annotations: c.Annotations},
		Spec:       c.Spec,
	}
	if p := set.Spec.PersistentVolumeClaimRetentionPolicy; p != nil && p.WhenDeleted == appsv1.DeletePersistentVolumeClaimRetentionPolicyType {
		claim.OwnerReferences = []metav1.OwnerReference{*metav1.NewControllerRef(set, appsv1.SchemeGroupVersion.WithKind("StatefulSet"))}
		claim.OwnerReferences[0].Controller = nil
	}
	return claim
}
