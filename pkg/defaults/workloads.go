package defaults

import (
	"maps"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
)

func deployment(d *appsv1.Deployment) {
	podTemplateSpec(&d.Spec.Template)
	setInt32(&d.Spec.Replicas, 1)
	st := &d.Spec.Strategy
	if st.Type == "" {
		st.Type = appsv1.RollingUpdateDeploymentStrategyType
	}
	if st.Type == appsv1.RollingUpdateDeploymentStrategyType {
		if st.RollingUpdate == nil {
			st.RollingUpdate = &appsv1.RollingUpdateDeployment{}
		}
		setIntOrString(&st.RollingUpdate.MaxUnavailable, intstr.FromString("25%"))
		setIntOrString(&st.RollingUpdate.MaxSurge, intstr.FromString("25%"))
	}
	setInt32(&d.Spec.RevisionHistoryLimit, 10)
	setInt32(&d.Spec.ProgressDeadlineSeconds, 600)
}

func replicaSet(r *appsv1.ReplicaSet) {
	podTemplateSpec(&r.Spec.Template)
	setInt32(&r.Spec.Replicas, 1)
}

func statefulSet(s *appsv1.StatefulSet) {
	podTemplateSpec(&s.Spec.Template)
	if s.Spec.PodManagementPolicy == "" {
		s.Spec.PodManagementPolicy = appsv1.OrderedReadyPodManagement
	}
	us := &s.Spec.UpdateStrategy
	if us.Type == "" {
		us.Type = appsv1.RollingUpdateStatefulSetStrategyType
		if us.RollingUpdate == nil {
			us.RollingUpdate = &appsv1.RollingUpdateStatefulSetStrategy{}
		}
	}
	if us.Type == appsv1.RollingUpdateStatefulSetStrategyType && us.RollingUpdate != nil {
		setInt32(&us.RollingUpdate.Partition, 0)
	}
	statefulSetRetention(s)
	setInt32(&s.Spec.Replicas, 1)
	setInt32(&s.Spec.RevisionHistoryLimit, 10)
	for i := range s.Spec.VolumeClaimTemplates {
		persistentVolumeClaim(&s.Spec.VolumeClaimTemplates[i])
	}
}

func statefulSetRetention(s *appsv1.StatefulSet) {
	if s.Spec.PersistentVolumeClaimRetentionPolicy == nil {
		s.Spec.PersistentVolumeClaimRetentionPolicy = &appsv1.StatefulSetPersistentVolumeClaimRetentionPolicy{}
	}
	p := s.Spec.PersistentVolumeClaimRetentionPolicy
	if p.WhenDeleted == "" {
		p.WhenDeleted = appsv1.RetainPersistentVolumeClaimRetentionPolicyType
	}
	if p.WhenScaled == "" {
		p.WhenScaled = appsv1.RetainPersistentVolumeClaimRetentionPolicyType
	}
}

func daemonSet(d *appsv1.DaemonSet) {
	podTemplateSpec(&d.Spec.Template)
	us := &d.Spec.UpdateStrategy
	if us.Type == "" {
		us.Type = appsv1.RollingUpdateDaemonSetStrategyType
	}
	if us.Type == appsv1.RollingUpdateDaemonSetStrategyType {
		if us.RollingUpdate == nil {
			us.RollingUpdate = &appsv1.RollingUpdateDaemonSet{}
		}
		setIntOrString(&us.RollingUpdate.MaxUnavailable, intstr.FromInt32(1))
		setIntOrString(&us.RollingUpdate.MaxSurge, intstr.FromInt32(0))
	}
	setInt32(&d.Spec.RevisionHistoryLimit, 10)
}

// replicationController mirrors upstream: the selector and the object's
// labels default to the template's labels.
func replicationController(rc *corev1.ReplicationController) {
	setInt32(&rc.Spec.Replicas, 1)
	if rc.Spec.Template == nil {
		return
	}
	podTemplateSpec(rc.Spec.Template)
	if l := rc.Spec.Template.Labels; l != nil {
		if len(rc.Spec.Selector) == 0 {
			rc.Spec.Selector = maps.Clone(l)
		}
		if len(rc.Labels) == 0 {
			rc.Labels = maps.Clone(l)
		}
	}
}

func setInt32(p **int32, v int32) {
	if *p == nil {
		*p = ptr.To(v)
	}
}

func setBool(p **bool, v bool) {
	if *p == nil {
		*p = ptr.To(v)
	}
}

func setIntOrString(p **intstr.IntOrString, v intstr.IntOrString) {
	if *p == nil {
		*p = &v
	}
}
