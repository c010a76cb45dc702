package framework

import (
	"slices"

	corev1 "k8s.io/api/core/v1"
)

// NodeInfo is one node and the pods counted on it (bound and assumed), with running totals.
// Node is nil while pods are known for a node the snapshot has not seen yet. Plugins only
// read a NodeInfo; the Snapshot owner mutates it through AddPod/RemovePod/SetNode.
type NodeInfo struct {
	Node *corev1.Node
	// Pods are the pods on the node, in no particular order.
	Pods []*PodInfo
	// PodsWithAffinity are the pods with a term that counts when scoring other pods
	// (PodInfo.HasScoringAffinity): required affinity, preferred affinity/anti-affinity.
	PodsWithAffinity []*PodInfo
	// PodsWithRequiredAntiAffinity are the pods with a required anti-affinity term.
	PodsWithRequiredAntiAffinity []*PodInfo
	// Allocatable is the node's status.allocatable.
	Allocatable Resource
	// Requested is the sum of the pods' PodRequests.
	Requested Resource
	// NonZeroRequested is the sum of the pods' PodNonZeroRequests (scoring only).
	NonZeroRequested Resource
	// UsedPorts are the host ports the pods claim.
	UsedPorts HostPorts
}

// NewNodeInfo returns the NodeInfo of node (which may be nil) with no pods.
func NewNodeInfo(node *corev1.Node) *NodeInfo {
	n := &NodeInfo{UsedPorts: HostPorts{}}
	n.SetNode(node)
	return n
}

// SetNode replaces the node object and its allocatable, keeping the pods.
func (n *NodeInfo) SetNode(node *corev1.Node) {
	n.Node = node
	n.Allocatable = Resource{}
	if node != nil {
		n.Allocatable = NewResource(node.Status.Allocatable)
	}
}

// Name returns the node's name, or "" when the node object is unknown.
func (n *NodeInfo) Name() string {
	if n.Node == nil {
		return ""
	}
	return n.Node.Name
}

// AddPod counts the pod on the node.
func (n *NodeInfo) AddPod(pi *PodInfo) {
	n.Pods = append(n.Pods, pi)
	if pi.HasScoringAffinity() {
		n.PodsWithAffinity = append(n.PodsWithAffinity, pi)
	}
	if len(pi.RequiredAntiAffinity) > 0 {
		n.PodsWithRequiredAntiAffinity = append(n.PodsWithRequiredAntiAffinity, pi)
	}
	n.Requested.Add(pi.Requests)
	n.NonZeroRequested.Add(pi.NonZeroRequests)
	for _, p := range pi.HostPorts {
		n.UsedPorts.Add(p)
	}
}

// RemovePod uncounts the pod with pod's key (see PodKey) and returns its PodInfo, or nil
// when the pod is not on the node.
func (n *NodeInfo) RemovePod(pod *corev1.Pod) *PodInfo {
	key := PodKey(pod)
	i := slices.IndexFunc(n.Pods, func(p *PodInfo) bool { return PodKey(p.Pod) == key })
	if i < 0 {
		return nil
	}
	pi := n.Pods[i]
	n.Pods = removeAt(n.Pods, i)
	n.PodsWithAffinity = removePodInfo(n.PodsWithAffinity, pi)
	n.PodsWithRequiredAntiAffinity = removePodInfo(n.PodsWithRequiredAntiAffinity, pi)
	n.Requested.Sub(pi.Requests)
	n.NonZeroRequested.Sub(pi.NonZeroRequests)
	for _, p := range pi.HostPorts {
		n.UsedPorts.Remove(p)
	}
	return pi
}

// Clone returns a copy whose pod lists and totals can be changed without affecting n.
// Node and the PodInfos themselves are shared (they are immutable).
func (n *NodeInfo) Clone() *NodeInfo {
	return &NodeInfo{
		Node:                         n.Node,
		Pods:                         slices.Clone(n.Pods),
		PodsWithAffinity:             slices.Clone(n.PodsWithAffinity),
		PodsWithRequiredAntiAffinity: slices.Clone(n.PodsWithRequiredAntiAffinity),
		Allocatable:                  n.Allocatable.Clone(),
		Requested:                    n.Requested.Clone(),
		NonZeroRequested:             n.NonZeroRequested.Clone(),
		UsedPorts:                    n.UsedPorts.Clone(),
	}
}

// PodKey identifies a pod: its UID, or namespace/name when the UID is empty.
func PodKey(pod *corev1.Pod) string {
	if pod.UID != "" {
		return string(pod.UID)
	}
	return pod.Namespace + "/" + pod.Name
}

func removePodInfo(list []*PodInfo, pi *PodInfo) []*PodInfo {
	if i := slices.Index(list, pi); i >= 0 {
		return removeAt(list, i)
	}
	return list
}

// removeAt deletes element i by moving the last element into its place.
func removeAt(list []*PodInfo, i int) []*PodInfo {
	last := len(list) - 1
	list[i] = list[last]
	list[last] = nil
	return list[:last]
}
