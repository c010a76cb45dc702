package apiserver

import (
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// nodeProxySubresources are the pod subresources served by the pod's kubelet.
var nodeProxySubresources = []string{"log", "exec", "attach", "portforward"}

func isNodeProxy(sub string) bool { return slices.Contains(nodeProxySubresources, sub) }

// kubeletPort is used when a Node does not report status.daemonEndpoints.kubeletEndpoint.
const kubeletPort = 10250

// kubeletTarget is where a pod subresource request goes on the node.
type kubeletTarget struct {
	pod *corev1.Pod
	url *url.URL
}

// kubeletLocation resolves the pod, its container and node into the kubelet URL that serves
// the subresource; errors are API errors as upstream words them.
func (c *call) kubeletLocation() (*kubeletTarget, error) {
	obj, err := c.res.store.Get(c.r.Context(), c.res.key(c.ri.namespace, c.ri.name))
	if err != nil {
		return nil, storageError(err, c.res.gr, c.ri.name)
	}
	pod, ok := obj.(*corev1.Pod)
	if !ok {
		return nil, fmt.Errorf("stored pod is a %T", obj)
	}
	q := c.r.URL.Query()
	container := q.Get("container")
	if c.ri.subresource != "portforward" {
		if container, err = podContainer(pod, container); err != nil {
			return nil, err
		}
	}
	if pod.Spec.NodeName == "" {
		return nil, badRequest("pod %s does not have a host assigned", pod.Name)
	}
	host, err := c.kubeletHost(pod.Spec.NodeName)
	if err != nil {
		return nil, err
	}
	q.Del("container")
	u := &url.URL{Scheme: "https", Host: host, RawQuery: q.Encode()}
	esc := url.PathEscape
	switch c.ri.subresource {
	case "log":
		u.Path = "/containerLogs/" + esc(pod.Namespace) + "/" + esc(pod.Name) + "/" + esc(container)
	case "exec", "attach":
		u.Path = "/" + c.ri.subresource + "/" + esc(pod.Namespace) + "/" + esc(pod.Name) + "/" + esc(container)
	case "portforward":
		u.Path = "/portForward/" + esc(pod.Namespace) + "/" + esc(pod.Name)
	}
	return &kubeletTarget{pod: pod, url: u}, nil
}

// podContainer checks the requested container, or picks the only one.
func podContainer(pod *corev1.Pod, name string) (string, error) {
	var names []string
	for _, c := range pod.Spec.Containers {
		names = append(names, c.Name)
	}
	all := slices.Clone(names)
	for _, c := range pod.Spec.InitContainers {
		all = append(all, c.Name)
	}
	for _, c := range pod.Spec.EphemeralContainers {
		all = append(all, c.Name)
	}
	switch {
	case name == "" && len(names) == 1:
		return names[0], nil
	case name == "":
		return "", badRequest("a container name must be specified for pod %s, choose one of: [%s]", pod.Name, strings.Join(all, " "))
	case !slices.Contains(all, name):
		return "", badRequest("container %s is not valid for pod %s", name, pod.Name)
	}
	return name, nil
}

// kubeletHost returns host:port of a node's kubelet: the InternalIP (else ExternalIP, else
// Hostname) and the reported kubelet port.
func (c *call) kubeletHost(nodeName string) (string, error) {
	nodes := c.s.byPath["/v1/nodes"]
	obj, err := nodes.store.Get(c.r.Context(), nodes.key("", nodeName))
	if err != nil {
		if apierrors.IsNotFound(storageError(err, nodes.gr, nodeName)) {
			return "", apierrors.NewNotFound(schema.GroupResource{Resource: "nodes"}, nodeName)
		}
		return "", storageError(err, nodes.gr, nodeName)
	}
	node, ok := obj.(*corev1.Node)
	if !ok {
		return "", fmt.Errorf("stored node is a %T", obj)
	}
	port := int(node.Status.DaemonEndpoints.KubeletEndpoint.Port)
	if port == 0 {
		port = kubeletPort
	}
	for _, t := range []corev1.NodeAddressType{corev1.NodeInternalIP, corev1.NodeExternalIP, corev1.NodeHostName} {
		for _, a := range node.Status.Addresses {
			if a.Type == t && a.Address != "" {
				return net.JoinHostPort(a.Address, strconv.Itoa(port)), nil
			}
		}
	}
	return "", badRequest("node %s has no address to reach its kubelet", nodeName)
}
