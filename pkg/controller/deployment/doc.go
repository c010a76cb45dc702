// Package deployment runs the Deployment controller: it rolls a Deployment's pod template out
// through ReplicaSets (one per template, named "<deployment>-<pod-template-hash>"), with the
// RollingUpdate (maxSurge/maxUnavailable) or Recreate strategy, scales ReplicaSets
// proportionally when a Deployment is resized mid-rollout, keeps revision annotations that
// `kubectl rollout history|undo` read, deletes old ReplicaSets beyond revisionHistoryLimit and
// reports the Progressing and Available conditions in the Deployment status.
//
// The arithmetic (fenceposts.go, rolling.go, proportional.go, status.go, revision.go) is pure
// and table-tested; sync.go and replicasets.go apply its decisions through the API server.
package deployment
