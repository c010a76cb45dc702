package framework

import (
	"iter"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// Snapshot is the scheduler's view of the cluster: nodes in name order, the pods counted on
// each, an index of nodes holding pods with inter-pod affinity terms, and namespace labels.
// It is updated in place (O(pods on the node) per change, no full copies); the owner must
// not mutate it while a scheduling cycle reads it.
type Snapshot struct {
	nodes        []*NodeInfo          // nodes with a Node object, sorted by name
	infos        map[string]*NodeInfo // by node name, including node-less holders of pods
	podNode      map[string]string    // PodKey -> node name
	withAffinity *nodeSet             // nodes with a pod with required affinity or preferred terms
	withAnti     *nodeSet             // nodes with a pod with required anti-affinity
	nsLabels     map[string]labels.Set
	byLabel      labelIndex
}

// NewSnapshot builds a snapshot. Pods with spec.nodeName are counted on that node; pods
// without one and terminated pods (Succeeded/Failed) are ignored.
func NewSnapshot(nodes []*corev1.Node, pods []*corev1.Pod) *Snapshot {
	s := &Snapshot{
		infos:        make(map[string]*NodeInfo, len(nodes)),
		podNode:      make(map[string]string, len(pods)),
		withAffinity: newNodeSet(),
		withAnti:     newNodeSet(),
		nsLabels:     map[string]labels.Set{},
		byLabel:      labelIndex{},
	}
	for _, n := range nodes {
		if s.infos[n.Name] != nil {
			s.infos[n.Name].SetNode(n) // a duplicate name: the last one wins
			continue
		}
		s.infos[n.Name] = NewNodeInfo(n)
		s.nodes = append(s.nodes, s.infos[n.Name])
	}
	slices.SortFunc(s.nodes, func(a, b *NodeInfo) int { return strings.Compare(a.Name(), b.Name()) })
	for _, p := range pods {
		s.AddPod(p)
	}
	return s
}

// Nodes returns the nodes in name order. The slice is owned by the snapshot: read only,
// and only until the next SetNode/RemoveNode.
func (s *Snapshot) Nodes() []*NodeInfo { return s.nodes }

// NumNodes returns the number of nodes.
func (s *Snapshot) NumNodes() int { return len(s.nodes) }

// Get returns the NodeInfo of a known node, or nil.
func (s *Snapshot) Get(name string) *NodeInfo {
	if n := s.infos[name]; n != nil && n.Node != nil {
		return n
	}
	return nil
}

// NodesWithAffinityPods yields the nodes holding a pod in NodeInfo.PodsWithAffinity
// (required affinity or preferred terms), in no particular order.
func (s *Snapshot) NodesWithAffinityPods() iter.Seq[*NodeInfo] { return s.withAffinity.all() }

// NodesWithRequiredAntiAffinityPods yields the nodes holding a pod with a required
// anti-affinity term, in no particular order.
func (s *Snapshot) NodesWithRequiredAntiAffinityPods() iter.Seq[*NodeInfo] { return s.withAnti.all() }

// AddPod counts pod on spec.nodeName (creating a node-less holder if the node is not known
// yet). A pod already counted is first removed, so AddPod also updates. Pods without a
// node name and terminated pods are removed instead of added.
func (s *Snapshot) AddPod(pod *corev1.Pod) {
	s.RemovePod(pod)
	if pod.Spec.NodeName == "" || isTerminated(pod) {
		return
	}
	n := s.infos[pod.Spec.NodeName]
	if n == nil {
		n = NewNodeInfo(nil)
		s.infos[pod.Spec.NodeName] = n
	}
	n.AddPod(NewPodInfo(pod))
	s.podNode[PodKey(pod)] = pod.Spec.NodeName
	s.byLabel.update(pod, pod.Spec.NodeName, 1)
	s.reindex(pod.Spec.NodeName, n)
}

// RemovePod uncounts the pod (looked up by PodKey, wherever it was counted); unknown pods
// are ignored.
func (s *Snapshot) RemovePod(pod *corev1.Pod) {
	key := PodKey(pod)
	name, ok := s.podNode[key]
	if !ok {
		return
	}
	delete(s.podNode, key)
	n := s.infos[name]
	if pi := n.RemovePod(pod); pi != nil {
		s.byLabel.update(pi.Pod, name, -1)
	}
	s.reindex(name, n)
	if n.Node == nil && len(n.Pods) == 0 {
		delete(s.infos, name)
	}
}

// SetNode adds or updates a node, keeping the pods counted on it.
func (s *Snapshot) SetNode(node *corev1.Node) {
	n := s.infos[node.Name]
	switch {
	case n == nil:
		n = NewNodeInfo(node)
		s.infos[node.Name] = n
		s.insertSorted(n)
	case n.Node == nil:
		n.SetNode(node)
		s.insertSorted(n)
	default:
		n.SetNode(node)
	}
}

// RemoveNode forgets the node. Pods still counted on it are kept (node-less) until removed.
func (s *Snapshot) RemoveNode(name string) {
	n := s.infos[name]
	if n == nil || n.Node == nil {
		return
	}
	if i, found := s.search(name); found {
		s.nodes = slices.Delete(s.nodes, i, i+1)
	}
	n.SetNode(nil)
	if len(n.Pods) == 0 {
		delete(s.infos, name)
	}
}

// PodsWithLabel returns, by node name, how many non-terminating pods in lp.Namespace carry
// the label lp.Key=lp.Value (nodes with none are absent; node names may include nodes the
// snapshot does not know). The map is owned by the snapshot: read only, until the next change.
func (s *Snapshot) PodsWithLabel(lp LabelPair) map[string]int { return s.byLabel[lp] }

// SetNamespace records a namespace's labels for namespaceSelector in affinity terms.
func (s *Snapshot) SetNamespace(ns *corev1.Namespace) { s.nsLabels[ns.Name] = labels.Set(ns.Labels) }

// RemoveNamespace forgets a namespace's labels.
func (s *Snapshot) RemoveNamespace(name string) { delete(s.nsLabels, name) }

// NamespaceLabels returns a namespace's labels (nil when unknown).
func (s *Snapshot) NamespaceLabels(name string) labels.Set { return s.nsLabels[name] }

func (s *Snapshot) insertSorted(n *NodeInfo) {
	i, _ := s.search(n.Name())
	s.nodes = slices.Insert(s.nodes, i, n)
}

func (s *Snapshot) search(name string) (int, bool) {
	return slices.BinarySearchFunc(s.nodes, name, func(n *NodeInfo, name string) int {
		return strings.Compare(n.Name(), name)
	})
}

func (s *Snapshot) reindex(name string, n *NodeInfo) {
	s.withAffinity.set(name, n, len(n.PodsWithAffinity) > 0)
	s.withAnti.set(name, n, len(n.PodsWithRequiredAntiAffinity) > 0)
}

func isTerminated(pod *corev1.Pod) bool {
	return pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed
}
