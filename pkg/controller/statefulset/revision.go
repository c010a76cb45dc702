package statefulset

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"slices"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/rand"
)

// revisionData is the ControllerRevision payload of set's template: a strategic merge patch
// that replaces spec.template (what kubectl rollout undo applies).
func revisionData(set *appsv1.StatefulSet) ([]byte, error) {
	raw, err := json.Marshal(set.Spec.Template)
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

// templateOf decodes the pod template stored in a revision.
func templateOf(rev *appsv1.ControllerRevision) (*corev1.PodTemplateSpec, error) {
	var d struct {
		Spec struct {
			Template corev1.PodTemplateSpec `json:"template"`
		} `json:"spec"`
	}
	if err := json.Unmarshal(rev.Data.Raw, &d); err != nil {
		return nil, fmt.Errorf("decode revision %s: %w", rev.Name, err)
	}
	return &d.Spec.Template, nil
}

// revisionHash hashes data with the collision count into a short, name-safe string.
func revisionHash(data []byte, collisions int32) string {
	h := fnv.New32a()
	h.Write(data)
	if collisions != 0 {
		fmt.Fprintf(h, "%d", collisions)
	}
	return rand.SafeEncodeString(fmt.Sprint(h.Sum32()))
}

// newRevision builds the ControllerRevision of set's current template with revision number n.
func newRevision(set *appsv1.StatefulSet, data []byte, n int64) *appsv1.ControllerRevision {
	collisions := int32(0)
	if set.Status.CollisionCount != nil {
		collisions = *set.Status.CollisionCount
	}
	hash := revisionHash(data, collisions)
	labels := map[string]string{}
	for k, v := range set.Spec.Template.Labels {
		labels[k] = v
	}
	labels[appsv1.ControllerRevisionHashLabelKey] = hash
	return &appsv1.ControllerRevision{
		ObjectMeta: metav1.ObjectMeta{Name: set.Name + "-" + hash, Namespace: set.Namespace, Labels: labels,
			OwnerReferences: []metav1.OwnerReference{*metav1.NewControllerRef(set, appsv1.SchemeGroupVersion.WithKind("StatefulSet"))}},
		Data:     runtime.RawExtension{Raw: data},
		Revision: n,
	}
}

// findEqual returns the revision whose data equals data, or nil.
func findEqual(revs []*appsv1.ControllerRevision, data []byte) *appsv1.ControllerRevision {
	for _, r := range revs {
		if equalJSON(r.Data.Raw, data) {
			return r
		}
	}
	return nil
}

// equalJSON compares two JSON documents semantically.
func equalJSON(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	ja, _ := json.Marshal(x)
	jb, _ := json.Marshal(y)
	return string(ja) == string(jb)
}

// maxRevision is the highest revision number in revs (0 for none).
func maxRevision(revs []*appsv1.ControllerRevision) int64 {
	var n int64
	for _, r := range revs {
		n = max(n, r.Revision)
	}
	return n
}

// prunable returns the revisions to delete to keep at most limit revisions besides those in
// use (named in live), oldest first.
func prunable(revs []*appsv1.ControllerRevision, live map[string]bool, limit int) []*appsv1.ControllerRevision {
	var old []*appsv1.ControllerRevision
	for _, r := range revs {
		if !live[r.Name] {
			old = append(old, r)
		}
	}
	if len(old) <= limit {
		return nil
	}
	slices.SortFunc(old, func(a, b *appsv1.ControllerRevision) int { return int(a.Revision - b.Revision) })
	return old[:len(old)-limit]
}
