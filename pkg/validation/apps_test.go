package validation

import (
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
)

func webTemplate() corev1.PodTemplateSpec {
	return corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "web"}}, Spec: podSpec()}
}

func webSelector() *metav1.LabelSelector {
	return &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}}
}

func objectMeta() metav1.ObjectMeta {
	return metav1.ObjectMeta{Name: "web", Namespace: "default", ResourceVersion: "1"}
}

func validDeployment() *appsv1.Deployment {
	return &appsv1.Deployment{ObjectMeta: objectMeta(), Spec: appsv1.DeploymentSpec{Selector: webSelector(), Template: webTemplate()}}
}

func TestValidateDeployment(t *testing.T) {
	ru := func(unavailable, surge intstr.IntOrString) func(*appsv1.Deployment) {
		return func(d *appsv1.Deployment) {
			d.Spec.Strategy.RollingUpdate = &appsv1.RollingUpdateDeployment{MaxUnavailable: &unavailable, MaxSurge: &surge}
		}
	}
	runCreate(t, validDeployment, true, []createCase[*appsv1.Deployment]{
		{name: "valid"},
		{name: "selector required", mutate: func(d *appsv1.Deployment) { d.Spec.Selector = nil },
			want: []string{"FieldValueRequired spec.selector"}},
		{name: "empty selector", mutate: func(d *appsv1.Deployment) { d.Spec.Selector = &metav1.LabelSelector{} },
			want: []string{"FieldValueInvalid spec.selector"}},
		{name: "selector mismatch", mutate: func(d *appsv1.Deployment) { d.Spec.Template.Labels = map[string]string{"app": "db"} },
			want: []string{"FieldValueInvalid spec.template.metadata.labels"}},
		{name: "negative replicas", mutate: func(d *appsv1.Deployment) { d.Spec.Replicas = ptr.To(int32(-1)) },
			want: []string{"FieldValueInvalid spec.replicas"}},
		{name: "restart policy", mutate: func(d *appsv1.Deployment) { d.Spec.Template.Spec.RestartPolicy = corev1.RestartPolicyNever },
			want: []string{"FieldValueNotSupported spec.template.spec.restartPolicy"}},
		{name: "template image", mutate: func(d *appsv1.Deployment) { d.Spec.Template.Spec.Containers[0].Image = "" },
			want: []string{"FieldValueRequired spec.template.spec.containers[0].image"}},
		{name: "strategy type", mutate: func(d *appsv1.Deployment) { d.Spec.Strategy.Type = "BlueGreen" },
			want: []string{"FieldValueNotSupported spec.strategy.type"}},
		{name: "recreate with rolling update", mutate: func(d *appsv1.Deployment) { d.Spec.Strategy.Type = appsv1.RecreateDeploymentStrategyType },
			want: []string{"FieldValueForbidden spec.strategy.rollingUpdate"}},
		{name: "both zero", mutate: ru(intstr.FromInt32(0), intstr.FromString("0%")),
			want: []string{"FieldValueInvalid spec.strategy.rollingUpdate.maxUnavailable"}},
		{name: "over 100 percent", mutate: ru(intstr.FromString("150%"), intstr.FromInt32(1)),
			want: []string{"FieldValueInvalid spec.strategy.rollingUpdate.maxUnavailable"}},
		{name: "bad percent", mutate: ru(intstr.FromString("ten"), intstr.FromInt32(1)),
			want: []string{"FieldValueInvalid spec.strategy.rollingUpdate.maxUnavailable"}},
		{name: "progress deadline", mutate: func(d *appsv1.Deployment) { d.Spec.MinReadySeconds = 600 },
			want: []string{"FieldValueInvalid spec.progressDeadlineSeconds"}},
	})
	runUpdate(t, validDeployment, true, []updateCase[*appsv1.Deployment]{
		{name: "scale and new image", mutate: func(d *appsv1.Deployment) {
			d.Spec.Replicas = ptr.To(int32(5))
			d.Spec.Template.Spec.Containers[0].Image = "app:v2"
		}},
		{name: "selector immutable", mutate: func(d *appsv1.Deployment) {
			d.Spec.Selector.MatchLabels["tier"] = "front"
			d.Spec.Template.Labels["tier"] = "front"
		}, want: []string{"FieldValueInvalid spec.selector"}},
	})
}

func TestValidateReplicaSetAndDaemonSet(t *testing.T) {
	rs := func() *appsv1.ReplicaSet {
		return &appsv1.ReplicaSet{ObjectMeta: objectMeta(), Spec: appsv1.ReplicaSetSpec{Selector: webSelector(), Template: webTemplate()}}
	}
	runCreate(t, rs, true, []createCase[*appsv1.ReplicaSet]{
		{name: "valid"},
		{name: "mismatch", mutate: func(r *appsv1.ReplicaSet) { r.Spec.Selector.MatchLabels["x"] = "y" },
			want: []string{"FieldValueInvalid spec.template.metadata.labels"}},
		{name: "active deadline", mutate: func(r *appsv1.ReplicaSet) { r.Spec.Template.Spec.ActiveDeadlineSeconds = ptr.To(int64(5)) },
			want: []string{"FieldValueForbidden spec.template.spec.activeDeadlineSeconds"}},
	})
	runUpdate(t, rs, true, []updateCase[*appsv1.ReplicaSet]{
		{name: "selector immutable", mutate: func(r *appsv1.ReplicaSet) {
			r.Spec.Selector = &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "app", Operator: "Exists"}}}
		}, want: []string{"FieldValueInvalid spec.selector"}},
	})
	ds := func() *appsv1.DaemonSet {
		return &appsv1.DaemonSet{ObjectMeta: objectMeta(), Spec: appsv1.DaemonSetSpec{Selector: webSelector(), Template: webTemplate()}}
	}
	runCreate(t, ds, true, []createCase[*appsv1.DaemonSet]{
		{name: "valid"},
		{name: "both zero", mutate: func(d *appsv1.DaemonSet) {
			d.Spec.UpdateStrategy.RollingUpdate.MaxUnavailable = ptr.To(intstr.FromInt32(0))
		},
			want: []string{"FieldValueInvalid spec.updateStrategy.rollingUpdate.maxUnavailable"}},
		{name: "strategy type", mutate: func(d *appsv1.DaemonSet) { d.Spec.UpdateStrategy.Type = "Never" },
			want: []string{"FieldValueNotSupported spec.updateStrategy.type"}},
	})
}

func validStatefulSet() *appsv1.StatefulSet {
	return &appsv1.StatefulSet{ObjectMeta: objectMeta(), Spec: appsv1.StatefulSetSpec{
		Selector: webSelector(), Template: webTemplate(), ServiceName: "web",
		VolumeClaimTemplates: []corev1.PersistentVolumeClaim{{ObjectMeta: metav1.ObjectMeta{Name: "data"}, Spec: pvcSpec()}},
	}}
}

func TestValidateStatefulSet(t *testing.T) {
	runCreate(t, validStatefulSet, true, []createCase[*appsv1.StatefulSet]{
		{name: "valid"},
		{name: "pod management policy", mutate: func(s *appsv1.StatefulSet) { s.Spec.PodManagementPolicy = "Random" },
			want: []string{"FieldValueNotSupported spec.podManagementPolicy"}},
		{name: "negative partition", mutate: func(s *appsv1.StatefulSet) { s.Spec.UpdateStrategy.RollingUpdate.Partition = ptr.To(int32(-1)) },
			want: []string{"FieldValueInvalid spec.updateStrategy.rollingUpdate.partition"}},
		{name: "on delete with rolling update", mutate: func(s *appsv1.StatefulSet) { s.Spec.UpdateStrategy.Type = appsv1.OnDeleteStatefulSetStrategyType },
			want: []string{"FieldValueInvalid spec.updateStrategy.rollingUpdate"}},
		{name: "retention policy", mutate: func(s *appsv1.StatefulSet) { s.Spec.PersistentVolumeClaimRetentionPolicy.WhenDeleted = "Keep" },
			want: []string{"FieldValueNotSupported spec.persistentVolumeClaimRetentionPolicy.whenDeleted"}},
		{name: "claim template without access modes", mutate: func(s *appsv1.StatefulSet) { s.Spec.VolumeClaimTemplates[0].Spec.AccessModes = nil },
			want: []string{"FieldValueRequired spec.volumeClaimTemplates[0].spec.accessModes"}},
	})
	runUpdate(t, validStatefulSet, true, []updateCase[*appsv1.StatefulSet]{
		{name: "mutable fields", mutate: func(s *appsv1.StatefulSet) {
			s.Spec.Replicas = ptr.To(int32(3))
			s.Spec.Template.Spec.Containers[0].Image = "app:v2"
			s.Spec.MinReadySeconds = 5
			s.Spec.UpdateStrategy.RollingUpdate.Partition = ptr.To(int32(1))
		}},
		{name: "service name", mutate: func(s *appsv1.StatefulSet) { s.Spec.ServiceName = "other" },
			want: []string{"FieldValueForbidden spec"}},
		{name: "pod management policy", mutate: func(s *appsv1.StatefulSet) { s.Spec.PodManagementPolicy = appsv1.ParallelPodManagement },
			want: []string{"FieldValueForbidden spec"}},
	})
}
