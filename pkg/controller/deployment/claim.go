package deployment

import (
	"context"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
)

// claim adopts orphan ReplicaSets matching d's selector, releases owned ones that stopped
// matching, and returns those d controls afterwards.
func (c *Controller) claim(ctx context.Context, d *appsv1.Deployment, sel labels.Selector) ([]*appsv1.ReplicaSet, error) {
	all, err := c.rsList.ReplicaSets(d.Namespace).List(labels.Everything())
	if err != nil {
		return nil, err
	}
	var owned []*appsv1.ReplicaSet
	for _, rs := range all {
		ref := metav1.GetControllerOf(rs)
		match := sel.Matches(labels.Set(rs.Labels))
		switch {
		case ref != nil && ref.UID != d.UID:
		case ref != nil && match:
			owned = append(owned, rs)
		case ref != nil && rs.DeletionTimestamp == nil:
			if err := c.patchRS(ctx, rs, fmt.Sprintf(`{"metadata":{"ownerReferences":[{"$patch":"delete","uid":%q}],"uid":%q}}`, d.UID, rs.UID)); err != nil {
				return nil, fmt.Errorf("release replica set %s: %w", rs.Name, err)
			}
		case ref == nil && match && rs.DeletionTimestamp == nil && d.DeletionTimestamp == nil:
			adopted, err := c.adopt(ctx, d, rs)
			if err != nil {
				return nil, err
			}
			owned = append(owned, adopted)
		}
	}
	return owned, nil
}

func (c *Controller) adopt(ctx context.Context, d *appsv1.Deployment, rs *appsv1.ReplicaSet) (*appsv1.ReplicaSet, error) {
	patch := fmt.Sprintf(`{"metadata":{"ownerReferences":[{"apiVersion":"apps/v1","kind":"Deployment","name":%q,"uid":%q,"controller":true,"blockOwnerDeletion":true}],"uid":%q}}`,
		d.Name, d.UID, rs.UID)
	if err := c.patchRS(ctx, rs, patch); err != nil {
		return nil, fmt.Errorf("adopt replica set %s: %w", rs.Name, err)
	}
	return rs, nil
}

func (c *Controller) patchRS(ctx context.Context, rs *appsv1.ReplicaSet, patch string) error {
	_, err := c.cs.AppsV1().ReplicaSets(rs.Namespace).Patch(ctx, rs.Name, types.StrategicMergePatchType, []byte(patch), metav1.PatchOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	return err
}
