// Package scheduler binds pods that have no node to the best node, as kube-scheduler does.
//
// The loop pops a pod from the queue (package queue), asks the algorithm (package algorithm) for
// a decision against the in-memory cluster state, counts the pod on its node at once ("assumed")
// and binds it through the pods/binding subresource in the background; a failed bind un-assumes
// the pod and requeues it. A pod that fits nowhere gets PodScheduled=False/Unschedulable with
// upstream's message and a FailedScheduling event, and may preempt lower-priority pods. Pods that
// name another scheduler are left alone. All cluster access goes through the API server.
package scheduler
