// Package nodelifecycle watches node heartbeats and evicts pods from nodes that stopped
// answering.
//
// A node heartbeats by renewing its Lease in kube-node-lease and by refreshing the
// lastHeartbeatTime of its Ready condition. The controller notes, on its own clock, when either
// last changed (as upstream, so that node clocks do not matter). A node silent for longer than
// the grace period has its Ready, MemoryPressure, DiskPressure and PIDPressure conditions set
// to Unknown ("NodeStatusUnknown"). Nodes whose Ready condition is Unknown get the
// node.kubernetes.io/unreachable taints (NoSchedule and NoExecute); Ready=False gets
// node.kubernetes.io/not-ready; the taints go away once Ready is True again. A pressure
// condition that is True gets its node.kubernetes.io/*-pressure NoSchedule taint.
//
// Pods on a node with NoExecute taints are deleted as soon as they do not tolerate one of them,
// or once the shortest matching tolerationSeconds has run out, counted from the taint's
// timeAdded (taint-based eviction). Evictions are not rate-limited per zone.
package nodelifecycle
