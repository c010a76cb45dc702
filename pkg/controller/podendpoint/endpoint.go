package podendpoint

import (
	"net/netip"
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/kubectl/pkg/util/podutils"
)

// Endpoint is one pod as a Service's endpoint lists show it: a value computed from the pod and
// the Service. Pod points into the informer cache; nobody may modify it.
type Endpoint struct {
	Pod *corev1.Pod
	// IP is the pod's IPv4 address.
	IP string
	// Ports are the Service's ports resolved against the pod's containers, in Service order.
	Ports []Port
	// Ready: the pod is Ready and not terminating, or the Service publishes not-ready addresses.
	Ready bool
	// Serving: the pod is Ready, terminating or not.
	Serving bool
	// Terminating: the pod has a deletionTimestamp.
	Terminating bool
	// Hostname is the pod's spec.hostname when its spec.subdomain names the Service, else "".
	Hostname string
}

// For returns pod's endpoint for svc. ok is false when the pod is no endpoint: it has no IPv4
// address, has finished (phase Succeeded or Failed), is terminating while includeTerminating
// is false, or none of the Service's ports resolve on it. A Service without ports (headless)
// keeps every other pod, with no ports. The caller has checked that svc selects pod.
func For(svc *corev1.Service, pod *corev1.Pod, includeTerminating bool) (e Endpoint, ok bool) {
	ip := IPv4(pod)
	terminating := pod.DeletionTimestamp != nil
	if ip == "" || finished(pod) || (terminating && !includeTerminating) {
		return Endpoint{}, false
	}
	ports := Resolve(svc, pod)
	if len(ports) == 0 && len(svc.Spec.Ports) > 0 {
		return Endpoint{}, false
	}
	serving := podutils.IsPodReady(pod)
	return Endpoint{
		Pod: pod, IP: ip, Ports: ports,
		Ready:   svc.Spec.PublishNotReadyAddresses || (serving && !terminating),
		Serving: serving, Terminating: terminating, Hostname: hostname(svc, pod),
	}, true
}

// List returns the endpoints For finds among pods (those svc selects), sorted by pod name.
func List(svc *corev1.Service, pods []*corev1.Pod, includeTerminating bool) []Endpoint {
	out := make([]Endpoint, 0, len(pods))
	for _, p := range pods {
		if e, ok := For(svc, p, includeTerminating); ok {
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(a, b Endpoint) int { return strings.Compare(a.Pod.Name, b.Pod.Name) })
	return out
}

// IPv4 returns the pod's first IPv4 address, or "".
func IPv4(pod *corev1.Pod) string {
	for _, ip := range pod.Status.PodIPs {
		if isIPv4(ip.IP) {
			return ip.IP
		}
	}
	if isIPv4(pod.Status.PodIP) {
		return pod.Status.PodIP
	}
	return ""
}

func isIPv4(s string) bool {
	a, err := netip.ParseAddr(s)
	return err == nil && a.Is4()
}

func finished(pod *corev1.Pod) bool {
	return pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed
}

// hostname is the pod's DNS hostname under svc: set when the pod names svc as its subdomain.
func hostname(svc *corev1.Service, pod *corev1.Pod) string {
	if pod.Spec.Hostname != "" && pod.Spec.Subdomain == svc.Name && pod.Namespace == svc.Namespace {
		return pod.Spec.Hostname
	}
	return ""
}

// LastChange is the value of the endpoints.kubernetes.io/last-change-trigger-time annotation
// for eps: the latest of the Service's creation and each endpoint pod's creation and last
// Ready transition. It approximates upstream, which also counts pods that went away.
func LastChange(svc *corev1.Service, eps []Endpoint) time.Time {
	t := svc.CreationTimestamp.Time
	for _, e := range eps {
		t = later(t, e.Pod.CreationTimestamp.Time)
		for _, c := range e.Pod.Status.Conditions {
			if c.Type == corev1.PodReady {
				t = later(t, c.LastTransitionTime.Time)
			}
		}
	}
	return t
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
