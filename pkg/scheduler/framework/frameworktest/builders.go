// Package frameworktest builds Node and Pod objects for scheduler tests with a terse,
// chainable API. Each builder owns a fresh object; Obj returns it.
package frameworktest

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

// NodeBuilder builds a Ready node.
type NodeBuilder struct{ n *corev1.Node }

// MakeNode starts a Ready node with the given name, its kubernetes.io/hostname label,
// and allocatable of 32 pods and nothing else.
func MakeNode(name string) *NodeBuilder {
	n := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"kubernetes.io/hostname": name}}}
	n.Status.Allocatable = corev1.ResourceList{corev1.ResourcePods: resource.MustParse("32")}
	n.Status.Conditions = []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionTrue}}
	return &NodeBuilder{n: n}
}

// Label sets a label.
func (b *NodeBuilder) Label(k, v string) *NodeBuilder { b.n.Labels[k] = v; return b }

// Capacity sets allocatable quantities, e.g. Capacity("cpu", "2", "memory", "4Gi").
func (b *NodeBuilder) Capacity(kv ...string) *NodeBuilder {
	for i := 0; i+1 < len(kv); i += 2 {
		b.n.Status.Allocatable[corev1.ResourceName(kv[i])] = resource.MustParse(kv[i+1])
	}
	return b
}

// Taint adds a taint.
func (b *NodeBuilder) Taint(key, value string, effect corev1.TaintEffect) *NodeBuilder {
	b.n.Spec.Taints = append(b.n.Spec.Taints, corev1.Taint{Key: key, Value: value, Effect: effect})
	return b
}

// Unschedulable sets spec.unschedulable.
func (b *NodeBuilder) Unschedulable() *NodeBuilder { b.n.Spec.Unschedulable = true; return b }

// Ready sets the Ready condition's status; "" removes the condition.
func (b *NodeBuilder) Ready(s corev1.ConditionStatus) *NodeBuilder {
	b.n.Status.Conditions = nil
	if s != "" {
		b.n.Status.Conditions = []corev1.NodeCondition{{Type: corev1.NodeReady, Status: s}}
	}
	return b
}

// Obj returns the node.
func (b *NodeBuilder) Obj() *corev1.Node { return b.n }

// PodBuilder builds a pod in namespace "default" with one container "c".
type PodBuilder struct{ p *corev1.Pod }

// MakePod starts a pod whose UID equals its name.
func MakePod(name string) *PodBuilder {
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default", UID: types.UID(name), Labels: map[string]string{}}}
	p.Spec.Containers = []corev1.Container{{Name: "c"}}
	return &PodBuilder{p: p}
}

// Namespace sets the namespace.
func (b *PodBuilder) Namespace(ns string) *PodBuilder { b.p.Namespace = ns; return b }

// Label sets a label.
func (b *PodBuilder) Label(k, v string) *PodBuilder { b.p.Labels[k] = v; return b }

// Node sets spec.nodeName.
func (b *PodBuilder) Node(n string) *PodBuilder { b.p.Spec.NodeName = n; return b }

// Priority sets spec.priority.
func (b *PodBuilder) Priority(p int32) *PodBuilder { b.p.Spec.Priority = &p; return b }

// Phase sets status.phase.
func (b *PodBuilder) Phase(ph corev1.PodPhase) *PodBuilder { b.p.Status.Phase = ph; return b }

// Req sets the first container's requests, e.g. Req("cpu", "500m", "memory", "1Gi").
func (b *PodBuilder) Req(kv ...string) *PodBuilder {
	b.p.Spec.Containers[0].Resources.Requests = list(kv)
	return b
}

// Container appends a container with requests.
func (b *PodBuilder) Container(kv ...string) *PodBuilder {
	c := corev1.Container{Name: "c" + string(rune('0'+len(b.p.Spec.Containers)))}
	c.Resources.Requests = list(kv)
	b.p.Spec.Containers = append(b.p.Spec.Containers, c)
	return b
}

// Init appends an init container with requests; sidecar makes it restartable.
func (b *PodBuilder) Init(sidecar bool, kv ...string) *PodBuilder {
	c := corev1.Container{Name: "i" + string(rune('0'+len(b.p.Spec.InitContainers)))}
	c.Resources.Requests = list(kv)
	if sidecar {
		always := corev1.ContainerRestartPolicyAlways
		c.RestartPolicy = &always
	}
	b.p.Spec.InitContainers = append(b.p.Spec.InitContainers, c)
	return b
}

// Overhead sets spec.overhead.
func (b *PodBuilder) Overhead(kv ...string) *PodBuilder { b.p.Spec.Overhead = list(kv); return b }

// HostPort adds a host port to the first container.
func (b *PodBuilder) HostPort(ip string, proto corev1.Protocol, port int32) *PodBuilder {
	c := &b.p.Spec.Containers[0]
	c.Ports = append(c.Ports, corev1.ContainerPort{HostIP: ip, Protocol: proto, HostPort: port, ContainerPort: port})
	return b
}

// NodeSelector sets a nodeSelector entry.
func (b *PodBuilder) NodeSelector(k, v string) *PodBuilder {
	if b.p.Spec.NodeSelector == nil {
		b.p.Spec.NodeSelector = map[string]string{}
	}
	b.p.Spec.NodeSelector[k] = v
	return b
}

// Toleration adds a toleration (operator Equal when value is set, else Exists).
func (b *PodBuilder) Toleration(key, value string, effect corev1.TaintEffect) *PodBuilder {
	op := corev1.TolerationOpExists
	if value != "" {
		op = corev1.TolerationOpEqual
	}
	b.p.Spec.Tolerations = append(b.p.Spec.Tolerations, corev1.Toleration{Key: key, Operator: op, Value: value, Effect: effect})
	return b
}

// Affinity sets spec.affinity.
func (b *PodBuilder) Affinity(a *corev1.Affinity) *PodBuilder { b.p.Spec.Affinity = a; return b }

// Spread adds a topology spread constraint selecting pods with label k=v.
func (b *PodBuilder) Spread(maxSkew int32, topologyKey string, when corev1.UnsatisfiableConstraintAction, k, v string) *PodBuilder {
	b.p.Spec.TopologySpreadConstraints = append(b.p.Spec.TopologySpreadConstraints, corev1.TopologySpreadConstraint{
		MaxSkew: maxSkew, TopologyKey: topologyKey, WhenUnsatisfiable: when,
		LabelSelector: &metav1.LabelSelector{MatchLabels: map[string]string{k: v}},
	})
	return b
}

// Obj returns the pod.
func (b *PodBuilder) Obj() *corev1.Pod { return b.p }

// Term returns a required pod (anti-)affinity term selecting pods with label k=v.
func Term(topologyKey, k, v string) corev1.PodAffinityTerm {
	return corev1.PodAffinityTerm{
		TopologyKey:   topologyKey,
		LabelSelector: &metav1.LabelSelector{MatchLabels: map[string]string{k: v}},
	}
}

func list(kv []string) corev1.ResourceList {
	rl := corev1.ResourceList{}
	for i := 0; i+1 < len(kv); i += 2 {
		rl[corev1.ResourceName(kv[i])] = resource.MustParse(kv[i+1])
	}
	return rl
}
