// Package kubelet is Skiff's node agent core: it registers the Node (capacity, addresses,
// nodeInfo, conditions) and renews its Lease, and runs the pods bound to the node through a
// CRI v1 runtime (containerd in production, pkg/kubelet/fakecri in tests), reporting their
// status through pods/status.
//
// Structure (decide, then do):
//
//   - observe.go reads CRI state (sandboxes, containers) into a podRuntime snapshot;
//     pleg.go relists every RelistPeriod and enqueues pods whose CRI state changed.
//   - workers.go runs one goroutine per pod UID: syncs of a pod are serialized, pods sync in
//     parallel; informer events, PLEG, probe flips, back-off timers and the periodic resync
//     all just enqueue the UID. A sync always starts from current state (informer + CRI).
//   - plan.go is computePodActions, a pure function of (pod, CRI snapshot, probe results,
//     back-off) that returns podActions; apply.go, sandbox.go, container.go, images.go and
//     kill.go carry them out.
//   - status.go is computeStatus, a pure function giving the pod status; statuswriter.go
//     writes it only when it changed.
//   - terminate.go completes deletions (grace period, preStop, then delete with grace 0
//     and a UID precondition) and removes pods the API no longer has (force-deleted or
//     orphans found in CRI).
//   - node.go/nodesync.go/machine.go: the Node object and Lease; cni.go: the conflist.
//
// Restart resilience: everything needed to resume is in CRI labels and annotations
// (labels.go): the pod UID, container name, restart count and spec hash. A restarted kubelet
// adopts running containers and does not restart healthy ones.
//
// Layout under the data dir D: D/pods/<uid>/{volumes,etc-hosts,containers/<name>/<n>}
// (termination message files), D/logs/<ns>_<name>_<uid>/<container>/<n>.log (CRI logs),
// D/cni/net.d/10-skiff.conflist and D/cni/networks (host-local IPAM state).
package kubelet
