// Package daemonset runs one pod of each DaemonSet on every eligible node: a node whose labels
// match the pod's nodeSelector and required node affinity and whose taints the pod tolerates
// (daemon pods additionally tolerate the node-condition taints). Pods are pinned to their node
// with required node affinity on metadata.name and bound by the scheduler. Template changes
// roll out with maxUnavailable / maxSurge (RollingUpdate) or when pods are deleted (OnDelete).
package daemonset
