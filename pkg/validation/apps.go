package validation

import (
	"fmt"
	"strconv"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
	utilvalidation "k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

var selectorPath = specPath.Child("selector")

// validateSelectorAndTemplate requires a non-empty, valid selector matching
// the template's labels, and a valid template; kind names the workload in
// the messages.
func validateSelectorAndTemplate(sel *metav1.LabelSelector, t *corev1.PodTemplateSpec, path *field.Path, kind string) field.ErrorList {
	errs := validatePodTemplateSpec(t, path.Child("template"))
	selPath := path.Child("selector")
	if sel == nil {
		return append(errs, field.Required(selPath, ""))
	}
	errs = append(errs, metav1validation.ValidateLabelSelector(sel, metav1validation.LabelSelectorValidationOptions{}, selPath)...)
	if len(sel.MatchLabels)+len(sel.MatchExpressions) == 0 {
		return append(errs, field.Invalid(selPath, sel, "empty selector is invalid for "+kind))
	}
	selector, err := metav1.LabelSelectorAsSelector(sel)
	if err == nil && !selector.Matches(labels.Set(t.Labels)) {
		errs = append(errs, field.Invalid(path.Child("template", "metadata", "labels"), t.Labels, "`selector` does not match template `labels`"))
	}
	return errs
}

// validateAppsTemplate adds the rules apps/v1 workloads put on their pods:
// restartPolicy Always and no activeDeadlineSeconds.
func validateAppsTemplate(t *corev1.PodTemplateSpec, path *field.Path) field.ErrorList {
	var errs field.ErrorList
	spec := path.Child("template", "spec")
	if t.Spec.RestartPolicy != corev1.RestartPolicyAlways {
		errs = append(errs, field.NotSupported(spec.Child("restartPolicy"), t.Spec.RestartPolicy, []string{string(corev1.RestartPolicyAlways)}))
	}
	if t.Spec.ActiveDeadlineSeconds != nil {
		errs = append(errs, field.Forbidden(spec.Child("activeDeadlineSeconds"), "activeDeadlineSeconds in ReplicaSet is not Supported"))
	}
	return errs
}

func validateReplicaSet(r *appsv1.ReplicaSet) field.ErrorList {
	errs := validateSelectorAndTemplate(r.Spec.Selector, &r.Spec.Template, specPath, "replicaset")
	errs = append(errs, validateAppsTemplate(&r.Spec.Template, specPath)...)
	errs = append(errs, nonNegative(r.Spec.Replicas, specPath.Child("replicas"))...)
	return append(errs, nonNegative(&r.Spec.MinReadySeconds, specPath.Child("minReadySeconds"))...)
}

func validateDeployment(d *appsv1.Deployment) field.ErrorList {
	s := &d.Spec
	errs := validateSelectorAndTemplate(s.Selector, &s.Template, specPath, "deployment")
	errs = append(errs, validateAppsTemplate(&s.Template, specPath)...)
	errs = append(errs, nonNegative(s.Replicas, specPath.Child("replicas"))...)
	errs = append(errs, nonNegative(&s.MinReadySeconds, specPath.Child("minReadySeconds"))...)
	errs = append(errs, nonNegative(s.RevisionHistoryLimit, specPath.Child("revisionHistoryLimit"))...)
	errs = append(errs, validateDeploymentStrategy(&s.Strategy, specPath.Child("strategy"))...)
	if s.ProgressDeadlineSeconds != nil {
		p := specPath.Child("progressDeadlineSeconds")
		errs = append(errs, nonNegative(s.ProgressDeadlineSeconds, p)...)
		if *s.ProgressDeadlineSeconds <= s.MinReadySeconds {
			errs = append(errs, field.Invalid(p, *s.ProgressDeadlineSeconds, "must be greater than minReadySeconds"))
		}
	}
	return errs
}

func validateDeploymentStrategy(s *appsv1.DeploymentStrategy, p *field.Path) field.ErrorList {
	switch s.Type {
	case appsv1.RecreateDeploymentStrategyType:
		if s.RollingUpdate != nil {
			return field.ErrorList{field.Forbidden(p.Child("rollingUpdate"), "may not be specified when strategy `type` is 'Recreate'")}
		}
	case appsv1.RollingUpdateDeploymentStrategyType:
		if s.RollingUpdate == nil {
			return field.ErrorList{field.Required(p.Child("rollingUpdate"), "this should be defaulted and never be nil")}
		}
		return validateRollingUpdate(s.RollingUpdate.MaxUnavailable, s.RollingUpdate.MaxSurge, p.Child("rollingUpdate"))
	default:
		return oneOf(s.Type, p.Child("type"), appsv1.RecreateDeploymentStrategyType, appsv1.RollingUpdateDeploymentStrategyType)
	}
	return nil
}

// validateRollingUpdate checks maxUnavailable and maxSurge: non-negative
// counts or percentages, maxUnavailable at most 100%, not both zero.
func validateRollingUpdate(maxUnavailable, maxSurge *intstr.IntOrString, p *field.Path) field.ErrorList {
	unavailable, surge := ptrOrZero(maxUnavailable), ptrOrZero(maxSurge)
	errs := validateIntOrPercent(unavailable, p.Child("maxUnavailable"))
	errs = append(errs, validateIntOrPercent(surge, p.Child("maxSurge"))...)
	if isPercent(unavailable) && percentValue(unavailable) > 100 {
		errs = append(errs, field.Invalid(p.Child("maxUnavailable"), unavailable, "must not be greater than 100%"))
	}
	if isZero(unavailable) && isZero(surge) {
		errs = append(errs, field.Invalid(p.Child("maxUnavailable"), unavailable, "may not be 0 when `maxSurge` is 0"))
	}
	return errs
}

func ptrOrZero(v *intstr.IntOrString) intstr.IntOrString {
	if v == nil {
		return intstr.FromInt32(0)
	}
	return *v
}

func validateIntOrPercent(v intstr.IntOrString, p *field.Path) field.ErrorList {
	if v.Type == intstr.String {
		return invalidEach(p, v.StrVal, utilvalidation.IsValidPercent(v.StrVal))
	}
	if v.IntVal < 0 {
		return field.ErrorList{field.Invalid(p, v.IntVal, "must be greater than or equal to 0")}
	}
	return nil
}

func isPercent(v intstr.IntOrString) bool { return v.Type == intstr.String }

func percentValue(v intstr.IntOrString) int {
	n, _ := strconv.Atoi(strings.TrimSuffix(v.StrVal, "%"))
	return n
}

func isZero(v intstr.IntOrString) bool {
	if isPercent(v) {
		return percentValue(v) == 0
	}
	return v.IntVal == 0
}

func validateDaemonSet(d *appsv1.DaemonSet) field.ErrorList {
	s := &d.Spec
	errs := validateSelectorAndTemplate(s.Selector, &s.Template, specPath, "daemonset")
	errs = append(errs, validateAppsTemplate(&s.Template, specPath)...)
	errs = append(errs, nonNegative(&s.MinReadySeconds, specPath.Child("minReadySeconds"))...)
	errs = append(errs, nonNegative(s.RevisionHistoryLimit, specPath.Child("revisionHistoryLimit"))...)
	us, p := &s.UpdateStrategy, specPath.Child("updateStrategy")
	errs = append(errs, oneOf(us.Type, p.Child("type"), appsv1.RollingUpdateDaemonSetStrategyType, appsv1.OnDeleteDaemonSetStrategyType)...)
	if us.Type == appsv1.RollingUpdateDaemonSetStrategyType {
		if us.RollingUpdate == nil {
			return append(errs, field.Required(p.Child("rollingUpdate"), ""))
		}
		errs = append(errs, validateRollingUpdate(us.RollingUpdate.MaxUnavailable, us.RollingUpdate.MaxSurge, p.Child("rollingUpdate"))...)
	}
	return errs
}

func validateReplicationController(rc *corev1.ReplicationController) field.ErrorList {
	errs := nonNegative(rc.Spec.Replicas, specPath.Child("replicas"))
	if len(rc.Spec.Selector) == 0 {
		errs = append(errs, field.Required(specPath.Child("selector"), ""))
	}
	errs = append(errs, metav1validation.ValidateLabels(rc.Spec.Selector, specPath.Child("selector"))...)
	t := rc.Spec.Template
	if t == nil {
		return append(errs, field.Required(specPath.Child("template"), ""))
	}
	if !labels.SelectorFromSet(rc.Spec.Selector).Matches(labels.Set(t.Labels)) {
		errs = append(errs, field.Invalid(specPath.Child("template", "metadata", "labels"), t.Labels, "`selector` does not match template `labels`"))
	}
	errs = append(errs, validatePodTemplateSpec(t, specPath.Child("template"))...)
	return append(errs, validateAppsTemplate(t, specPath)...)
}

// statefulSetUpdateMessage is upstream's message for a forbidden change.
const statefulSetUpdateMessage = "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"

func validateStatefulSet(st *appsv1.StatefulSet) field.ErrorList {
	s := &st.Spec
	errs := validateSelectorAndTemplate(s.Selector, &s.Template, specPath, "statefulset")
	errs = append(errs, validateAppsTemplate(&s.Template, specPath)...)
	errs = append(errs, nonNegative(s.Replicas, specPath.Child("replicas"))...)
	errs = append(errs, nonNegative(&s.MinReadySeconds, specPath.Child("minReadySeconds"))...)
	errs = append(errs, nonNegative(s.RevisionHistoryLimit, specPath.Child("revisionHistoryLimit"))...)
	if s.ServiceName != "" {
		errs = append(errs, invalidEach(specPath.Child("serviceName"), s.ServiceName, isDNS1123Label(s.ServiceName))...)
	}
	errs = append(errs, oneOf(s.PodManagementPolicy, specPath.Child("podManagementPolicy"),
		appsv1.OrderedReadyPodManagement, appsv1.ParallelPodManagement)...)
	errs = append(errs, validateStatefulSetStrategy(&s.UpdateStrategy, specPath.Child("updateStrategy"))...)
	errs = append(errs, validateRetentionPolicy(s.PersistentVolumeClaimRetentionPolicy, specPath.Child("persistentVolumeClaimRetentionPolicy"))...)
	if s.Ordinals != nil {
		errs = append(errs, nonNegative(&s.Ordinals.Start, specPath.Child("ordinals", "start"))...)
	}
	for i := range s.VolumeClaimTemplates {
		c, p := &s.VolumeClaimTemplates[i], specPath.Child("volumeClaimTemplates").Index(i)
		errs = append(errs, dnsSubdomain(c.Name, p.Child("metadata", "name"))...)
		errs = append(errs, validatePVCSpec(&c.Spec, p.Child("spec"))...)
	}
	return errs
}

func validateStatefulSetStrategy(us *appsv1.StatefulSetUpdateStrategy, p *field.Path) field.ErrorList {
	errs := oneOf(us.Type, p.Child("type"), appsv1.RollingUpdateStatefulSetStrategyType, appsv1.OnDeleteStatefulSetStrategyType)
	if us.RollingUpdate == nil {
		return errs
	}
	if us.Type != appsv1.RollingUpdateStatefulSetStrategyType {
		return append(errs, field.Invalid(p.Child("rollingUpdate"), us.RollingUpdate,
			fmt.Sprintf("only allowed for updateStrategy '%s'", appsv1.RollingUpdateStatefulSetStrategyType)))
	}
	errs = append(errs, nonNegative(us.RollingUpdate.Partition, p.Child("rollingUpdate", "partition"))...)
	if mu := us.RollingUpdate.MaxUnavailable; mu != nil {
		mp := p.Child("rollingUpdate", "maxUnavailable")
		errs = append(errs, validateIntOrPercent(*mu, mp)...)
		if isZero(*mu) {
			errs = append(errs, field.Invalid(mp, *mu, "must be greater than 0"))
		}
	}
	return errs
}

func validateRetentionPolicy(r *appsv1.StatefulSetPersistentVolumeClaimRetentionPolicy, p *field.Path) field.ErrorList {
	if r == nil {
		return nil
	}
	types := []appsv1.PersistentVolumeClaimRetentionPolicyType{
		appsv1.RetainPersistentVolumeClaimRetentionPolicyType, appsv1.DeletePersistentVolumeClaimRetentionPolicyType}
	errs := oneOf(r.WhenDeleted, p.Child("whenDeleted"), types...)
	return append(errs, oneOf(r.WhenScaled, p.Child("whenScaled"), types...)...)
}

// validateStatefulSetUpdate lets only replicas, ordinals, template,
// updateStrategy, revisionHistoryLimit, the PVC retention policy and
// minReadySeconds change.
func validateStatefulSetUpdate(st, old *appsv1.StatefulSet) field.ErrorList {
	s := st.Spec.DeepCopy()
	s.Replicas = old.Spec.Replicas
	s.Ordinals = old.Spec.Ordinals
	s.Template = old.Spec.Template
	s.UpdateStrategy = old.Spec.UpdateStrategy
	s.RevisionHistoryLimit = old.Spec.RevisionHistoryLimit
	s.PersistentVolumeClaimRetentionPolicy = old.Spec.PersistentVolumeClaimRetentionPolicy
	s.MinReadySeconds = old.Spec.MinReadySeconds
	if !equalSemantic(s, &old.Spec) {
		return field.ErrorList{field.Forbidden(specPath, statefulSetUpdateMessage)}
	}
	return nil
}
