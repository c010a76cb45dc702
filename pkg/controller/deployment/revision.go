package deployment

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	deploymentutil "k8s.io/kubectl/pkg/util/deployment"
)

// Annotations the controller owns on ReplicaSets (and, for the revision, on Deployments).
const (
	revisionAnnotation        = deploymentutil.RevisionAnnotation
	revisionHistoryAnnotation = deploymentutil.RevisionHistoryAnnotation
	desiredReplicasAnnotation = deploymentutil.DesiredReplicasAnnotation
	maxReplicasAnnotation     = deploymentutil.MaxReplicasAnnotation
)

// notCopied are Deployment annotations that are not copied to its ReplicaSets.
var notCopied = []string{corev1.LastAppliedConfigAnnotation, revisionAnnotation, revisionHistoryAnnotation,
	desiredReplicasAnnotation, maxReplicasAnnotation, appsv1.DeprecatedRollbackTo}

// revision is a ReplicaSet's revision annotation, 0 when missing or malformed.
func revision(rs *appsv1.ReplicaSet) int64 {
	v, err := strconv.ParseInt(rs.Annotations[revisionAnnotation], 10, 64)
	if err != nil {
		return 0
	}
	return v
}

func maxRevision(rss []*appsv1.ReplicaSet) int64 {
	var m int64
	for _, rs := range rss {
		m = max(m, revision(rs))
	}
	return m
}

// equalIgnoreHash reports whether two pod templates are equal apart from pod-template-hash.
func equalIgnoreHash(a, b *corev1.PodTemplateSpec) bool {
	a, b = a.DeepCopy(), b.DeepCopy()
	delete(a.Labels, appsv1.DefaultDeploymentUniqueLabelKey)
	delete(b.Labels, appsv1.DefaultDeploymentUniqueLabelKey)
	if len(a.Labels) == 0 {
		a.Labels = nil
	}
	if len(b.Labels) == 0 {
		b.Labels = nil
	}
	return apiequality.Semantic.DeepEqual(a, b)
}

// byAge orders ReplicaSets oldest first (ties by name).
func byAge(a, b *appsv1.ReplicaSet) int {
	if c := a.CreationTimestamp.Compare(b.CreationTimestamp.Time); c != 0 {
		return c
	}
	return strings.Compare(a.Name, b.Name)
}

// splitReplicaSets returns the oldest ReplicaSet whose template matches d's (the new one, or
// nil) and all the others, oldest first.
func splitReplicaSets(d *appsv1.Deployment, rss []*appsv1.ReplicaSet) (newRS *appsv1.ReplicaSet, old []*appsv1.ReplicaSet) {
	sorted := slices.SortedStableFunc(slices.Values(rss), byAge)
	for _, rs := range sorted {
		if newRS == nil && equalIgnoreHash(&rs.Spec.Template, &d.Spec.Template) {
			newRS = rs
			continue
		}
		old = append(old, rs)
	}
	return newRS, old
}

// setNewRSAnnotations updates rs (the new ReplicaSet, modified in place) with d's annotations
// and revision newRevision; when rs had an older revision (a rollback to it), that revision is
// appended to its revision history. It reports whether anything changed.
func setNewRSAnnotations(d *appsv1.Deployment, rs *appsv1.ReplicaSet, newRevision int64, exists bool) bool {
	if rs.Annotations == nil {
		rs.Annotations = map[string]string{}
	}
	changed := copyAnnotations(d, rs)
	old, hadRevision := rs.Annotations[revisionAnnotation]
	if oldRev := revision(rs); oldRev < newRevision {
		rs.Annotations[revisionAnnotation] = strconv.FormatInt(newRevision, 10)
		changed = true
		if hadRevision && old != "" {
			rs.Annotations[revisionHistoryAnnotation] = appendHistory(rs.Annotations[revisionHistoryAnnotation], old)
		}
	}
	if !exists && setReplicasAnnotations(rs, replicas(d), replicas(d)+maxSurge(d)) {
		changed = true
	}
	return changed
}

func appendHistory(history, rev string) string {
	if history == "" {
		return rev
	}
	return history + "," + rev
}

// copyAnnotations copies d's annotations to rs, except the controller's own; it reports
// whether rs changed.
func copyAnnotations(d *appsv1.Deployment, rs *appsv1.ReplicaSet) bool {
	changed := false
	for k, v := range d.Annotations {
		if slices.Contains(notCopied, k) || strings.HasPrefix(k, "kubectl.kubernetes.io/last-applied") {
			continue
		}
		if cur, ok := rs.Annotations[k]; !ok || cur != v {
			rs.Annotations[k] = v
			changed = true
		}
	}
	return changed
}

// setReplicasAnnotations records the Deployment's desired and maximum replicas on rs (in
// place), as proportional scaling reads them; it reports whether rs changed.
func setReplicasAnnotations(rs *appsv1.ReplicaSet, desired, maxTotal int32) bool {
	if !replicasAnnotationsNeedUpdate(rs, desired, maxTotal) {
		return false
	}
	if rs.Annotations == nil {
		rs.Annotations = map[string]string{}
	}
	rs.Annotations[desiredReplicasAnnotation] = strconv.Itoa(int(desired))
	rs.Annotations[maxReplicasAnnotation] = strconv.Itoa(int(maxTotal))
	return true
}

func replicasAnnotationsNeedUpdate(rs *appsv1.ReplicaSet, desired, maxTotal int32) bool {
	return rs.Annotations[desiredReplicasAnnotation] != strconv.Itoa(int(desired)) ||
		rs.Annotations[maxReplicasAnnotation] != strconv.Itoa(int(maxTotal))
}

// annotatedInt reads an int32 annotation of rs.
func annotatedInt(rs *appsv1.ReplicaSet, key string) (int32, bool) {
	v, err := strconv.ParseInt(rs.Annotations[key], 10, 32)
	if err != nil {
		return 0, false
	}
	return int32(v), true
}

// withRevision returns a copy of d's annotations with the revision set to rev, and whether it
// differs from d's.
func withRevision(d *appsv1.Deployment, rev string) (map[string]string, bool) {
	if d.Annotations[revisionAnnotation] == rev {
		return d.Annotations, false
	}
	out := maps.Clone(d.Annotations)
	if out == nil {
		out = map[string]string{}
	}
	out[revisionAnnotation] = rev
	return out, true
}
