// Package replicaset runs the ReplicaSet controller: it keeps the number of active pods that a
// ReplicaSet controls equal to spec.replicas, adopts orphan pods matching its selector, releases
// owned pods whose labels stop matching, and reports replicas, ready and available counts in the
// ReplicaSet status.
//
// Each sync decides from the informer caches (pure functions in plan.go, rank.go, status.go) and
// then applies the decision (sync.go). Expectations (package expectations) keep a ReplicaSet from
// creating or deleting twice before the pod informer has observed its previous writes.
package replicaset
