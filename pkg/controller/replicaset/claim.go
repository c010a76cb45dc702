package replicaset

import (
	"context"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
)

// claimAction is what claiming does with one pod.
type claimAction int

const (
	claimIgnore  claimAction = iota // not ours and not adoptable
	claimKeep                       // ours and matching
	claimAdopt                      // orphan matching the selector
	claimRelease                    // ours but no longer matching
)

// classify decides whether rs keeps, adopts, releases or ignores pod.
func classify(rs *appsv1.ReplicaSet, sel labels.Selector, pod *corev1.Pod) claimAction {
	match := sel.Matches(labels.Set(pod.Labels))
	ref := metav1.GetControllerOf(pod)
	switch {
	case ref != nil && ref.UID != rs.UID:
		return claimIgnore
	case ref != nil && match:
		return claimKeep
	case ref != nil:
		if pod.DeletionTimestamp != nil {
			return claimIgnore
		}
		return claimRelease
	case match && rs.DeletionTimestamp == nil && pod.DeletionTimestamp == nil:
		return claimAdopt
	}
	return claimIgnore
}

// claim adopts and releases pods for rs and returns the pods it owns afterwards.
func (c *Controller) claim(ctx context.Context, rs *appsv1.ReplicaSet, sel labels.Selector, pods []*corev1.Pod) ([]*corev1.Pod, error) {
	var owned []*corev1.Pod
	var canAdopt *bool
	for _, pod := range pods {
		switch classify(rs, sel, pod) {
		case claimKeep:
			owned = append(owned, pod)
		case claimRelease:
			if err := c.patchOwner(ctx, pod, releasePatch(rs, pod)); err != nil {
				return nil, fmt.Errorf("release pod %s: %w", pod.Name, err)
			}
		case claimAdopt:
			if canAdopt == nil {
				ok, err := c.stillCurrent(ctx, rs)
				if err != nil {
					return nil, err
				}
				canAdopt = &ok
			}
			if !*canAdopt {
				continue
			}
			if err := c.patchOwner(ctx, pod, adoptPatch(rs, pod)); err != nil {
				return nil, fmt.Errorf("adopt pod %s: %w", pod.Name, err)
			}
			owned = append(owned, pod)
		}
	}
	return owned, nil
}

// stillCurrent re-reads rs from the API server: adoption must not race with its deletion.
func (c *Controller) stillCurrent(ctx context.Context, rs *appsv1.ReplicaSet) (bool, error) {
	fresh, err := c.cs.AppsV1().ReplicaSets(rs.Namespace).Get(ctx, rs.Name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return fresh.UID == rs.UID && fresh.DeletionTimestamp == nil, nil
}

func (c *Controller) patchOwner(ctx context.Context, pod *corev1.Pod, patch string) error {
	_, err := c.cs.CoreV1().Pods(pod.Namespace).Patch(ctx, pod.Name, types.StrategicMergePatchType, []byte(patch), metav1.PatchOptions{})
	if apierrors.IsNotFound(err) || apierrors.IsInvalid(err) {
		return nil // gone, or replaced by a pod with another UID
	}
	return err
}

// adoptPatch adds rs as pod's controller; the pod UID in the patch guards against a new pod
// of the same name.
func adoptPatch(rs *appsv1.ReplicaSet, pod *corev1.Pod) string {
	return fmt.Sprintf(`{"metadata":{"ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":%q,"uid":%q,"controller":true,"blockOwnerDeletion":true}],"uid":%q}}`,
		rs.Name, rs.UID, pod.UID)
}

// releasePatch removes rs's owner reference from pod.
func releasePatch(rs *appsv1.ReplicaSet, pod *corev1.Pod) string {
	return fmt.Sprintf(`{"metadata":{"ownerReferences":[{"$patch":"delete","uid":%q}],"uid":%q}}`, rs.UID, pod.UID)
}
