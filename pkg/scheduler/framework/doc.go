// Package framework holds the pure building blocks of a scheduling decision: the cluster
// Snapshot (nodes with the pods counted on them), the Status a plugin returns, the tiny
// per-extension-point plugin interfaces and the CycleState plugins share during one cycle.
//
// Nothing here does I/O, reads a clock or starts a goroutine. A Snapshot is not safe for
// concurrent mutation: its owner (the scheduler cache) serializes AddPod/RemovePod/SetNode/
// RemoveNode with scheduling cycles, which only read it.
package framework
