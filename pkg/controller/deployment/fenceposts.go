package deployment

import (
	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// defaultFencepost is maxSurge's and maxUnavailable's default.
var defaultFencepost = intstr.FromString("25%")

// resolveFenceposts turns maxSurge and maxUnavailable into pod counts for desired replicas:
// surge rounds up, unavailable rounds down, and if both are 0 unavailable becomes 1 so a
// rollout can make progress. A nil value means 25%.
func resolveFenceposts(maxSurge, maxUnavailable *intstr.IntOrString, desired int32) (surge, unavailable int32, err error) {
	if maxSurge == nil {
		maxSurge = &defaultFencepost
	}
	if maxUnavailable == nil {
		maxUnavailable = &defaultFencepost
	}
	s, err := intstr.GetScaledValueFromIntOrPercent(maxSurge, int(desired), true)
	if err != nil {
		return 0, 0, err
	}
	u, err := intstr.GetScaledValueFromIntOrPercent(maxUnavailable, int(desired), false)
	if err != nil {
		return 0, 0, err
	}
	if s == 0 && u == 0 {
		u = 1
	}
	return int32(s), int32(u), nil
}

func isRolling(d *appsv1.Deployment) bool {
	return d.Spec.Strategy.Type != appsv1.RecreateDeploymentStrategyType
}

func fenceposts(d *appsv1.Deployment) (surge, unavailable int32) {
	var s, u *intstr.IntOrString
	if ru := d.Spec.Strategy.RollingUpdate; ru != nil {
		s, u = ru.MaxSurge, ru.MaxUnavailable
	}
	surge, unavailable, _ = resolveFenceposts(s, u, replicas(d)) // validation rejects bad values
	return surge, unavailable
}

// maxSurge is how many pods a rolling update may run above spec.replicas (0 for Recreate).
func maxSurge(d *appsv1.Deployment) int32 {
	if !isRolling(d) {
		return 0
	}
	s, _ := fenceposts(d)
	return s
}

// maxUnavailable is how many of spec.replicas may be unavailable during a rolling update,
// at most spec.replicas (0 for Recreate or zero replicas).
func maxUnavailable(d *appsv1.Deployment) int32 {
	if !isRolling(d) || replicas(d) == 0 {
		return 0
	}
	_, u := fenceposts(d)
	return min(u, replicas(d))
}

func replicas(d *appsv1.Deployment) int32 {
	if d.Spec.Replicas == nil {
		return 1
	}
	return *d.Spec.Replicas
}

func rsReplicas(rs *appsv1.ReplicaSet) int32 {
	if rs == nil || rs.Spec.Replicas == nil {
		return 0
	}
	return *rs.Spec.Replicas
}

// podCount sums spec.replicas of rss, counting for each the larger of spec and observed
// replicas: pods of a ReplicaSet being scaled down still exist until its controller deletes
// them.
func podCount(rss []*appsv1.ReplicaSet) int32 {
	var n int32
	for _, rs := range rss {
		if rs != nil {
			n += max(rsReplicas(rs), rs.Status.Replicas)
		}
	}
	return n
}

func specReplicas(rss []*appsv1.ReplicaSet) int32 {
	var n int32
	for _, rs := range rss {
		n += rsReplicas(rs)
	}
	return n
}

// availableReplicas sums the available pods of rss, counting no more than spec.replicas for
// each: a ReplicaSet being scaled down may not have reported its deletions yet.
func availableReplicas(rss []*appsv1.ReplicaSet) int32 {
	var n int32
	for _, rs := range rss {
		if rs != nil {
			n += min(rs.Status.AvailableReplicas, rsReplicas(rs))
		}
	}
	return n
}

// newRSReplicas is the size the new ReplicaSet may grow to now: all of spec.replicas for
// Recreate; for RollingUpdate, as much as the surge bound allows given the pods that exist.
func newRSReplicas(d *appsv1.Deployment, all []*appsv1.ReplicaSet, newRS *appsv1.ReplicaSet) int32 {
	if !isRolling(d) {
		return replicas(d)
	}
	cur := rsReplicas(newRS)
	if cur >= replicas(d) {
		return cur
	}
	maxTotal := replicas(d) + maxSurge(d)
	pods := podCount(all)
	if pods >= maxTotal {
		return cur
	}
	return cur + min(maxTotal-pods, replicas(d)-cur)
}
