package daemonset

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"slices"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/rand"
)

// revisionData is the ControllerRevision payload of ds's template: a strategic merge patch
// replacing spec.template (what kubectl rollout undo applies).
func revisionData(ds *appsv1.DaemonSet) ([]byte, error) {
	raw, err := json.Marshal(ds.Spec.Template)
	if err != nil {
		return nil, err
	}
	var tmpl map[string]any
	if err := json.Unmarshal(raw, &tmpl); err != nil {
		return nil, err
	}
	tmpl["$patch"] = "replace"
	return json.Marshal(map[string]any{"spec": map[string]any{"template": tmpl}})
}

// revisionHash hashes data with the collision count into a short, name-safe string.
func revisionHash(data []byte, collisions *int32) string {
	h := fnv.New32a()
	h.Write(data)
	if collisions != nil && *collisions != 0 {
		fmt.Fprintf(h, "%d", *collisions)
	}
	return rand.SafeEncodeString(fmt.Sprint(h.Sum32()))
}

// ownedRevisions lists the cached ControllerRevisions ds controls.
func (c *Controller) ownedRevisions(ds *appsv1.DaemonSet) ([]*appsv1.ControllerRevision, error) {
	all, err := c.revs.ControllerRevisions(ds.Namespace).List(labels.Everything())
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(all, func(r *appsv1.ControllerRevision) bool {
		ref := metav1.GetControllerOf(r)
		return ref == nil || ref.UID != ds.UID
	}), nil
}

// ensureRevision makes sure a ControllerRevision of ds's template exists with the highest
// revision number, and returns its hash.
func (c *Controller) ensureRevision(ctx context.Context, ds *appsv1.DaemonSet, revs []*appsv1.ControllerRevision) (string, error) {
	data, err := revisionData(ds)
	if err != nil {
		return "", err
	}
	hash := revisionHash(data, ds.Status.CollisionCount)
	var top int64
	var mine *appsv1.ControllerRevision
	for _, r := range revs {
		top = max(top, r.Revision)
		if r.Name == ds.Name+"-"+hash {
			mine = r
		}
	}
	switch {
	case mine != nil && mine.Revision == top:
		return hash, nil
	case mine != nil:
		cp := mine.DeepCopy()
		cp.Revision = top + 1
		_, err = c.cs.AppsV1().ControllerRevisions(ds.Namespace).Update(ctx, cp, metav1.UpdateOptions{})
		return hash, err
	}
	rev := &appsv1.ControllerRevision{
		ObjectMeta: metav1.ObjectMeta{Name: ds.Name + "-" + hash, Namespace: ds.Namespace,
			Labels:          mergeLabels(ds.Spec.Template.Labels, map[string]string{appsv1.DefaultDaemonSetUniqueLabelKey: hash}),
			OwnerReferences: []metav1.OwnerReference{*metav1.NewControllerRef(ds, appsv1.SchemeGroupVersion.WithKind("DaemonSet"))}},
		Data: runtime.RawExtension{Raw: data}, Revision: top + 1,
	}
	_, err = c.cs.AppsV1().ControllerRevisions(ds.Namespace).Create(ctx, rev, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		return "", fmt.Errorf("create revision: %w", err)
	}
	return hash, nil
}

// pruneHistory deletes the oldest revisions beyond revisionHistoryLimit that no pod uses.
func (c *Controller) pruneHistory(ctx context.Context, ds *appsv1.DaemonSet, revs []*appsv1.ControllerRevision, pods []*corev1.Pod, hash string) error {
	live := map[string]bool{hash: true}
	for _, p := range pods {
		live[p.Labels[appsv1.DefaultDaemonSetUniqueLabelKey]] = true
	}
	var old []*appsv1.ControllerRevision
	for _, r := range revs {
		if !live[r.Labels[appsv1.DefaultDaemonSetUniqueLabelKey]] && r.Name != ds.Name+"-"+hash {
			old = append(old, r)
		}
	}
	limit := 10
	if ds.Spec.RevisionHistoryLimit != nil {
		limit = int(*ds.Spec.RevisionHistoryLimit)
	}
	if len(old) <= limit {
		return nil
	}
	slices.SortFunc(old, func(a, b *appsv1.ControllerRevision) int { return int(a.Revision - b.Revision) })
	for _, r := range old[:len(old)-limit] {
		err := c.cs.AppsV1().ControllerRevisions(r.Namespace).Delete(ctx, r.Name, metav1.DeleteOptions{})
		if err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("delete revision %s: %w", r.Name, err)
		}
	}
	return nil
}

func mergeLabels(a, b map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}
