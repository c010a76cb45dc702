package endpointslice

import (
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"skiff/pkg/controller/podendpoint"
)

// ControllerName is the value of the managed-by label on the slices this controller owns.
const ControllerName = "endpointslice-controller.k8s.io"

// headlessLabel marks the slices of a headless Service (as upstream).
const headlessLabel = "service.kubernetes.io/headless"

// group is the desired endpoints of a Service that share one port list.
type group struct {
	key   string
	ports []discoveryv1.EndpointPort
	// eps holds the endpoints in pod-name order; byName indexes them by pod name.
	eps    []discoveryv1.Endpoint
	byName map[string]int
}

// groups converts eps into EndpointSlice endpoints grouped by port list, in key order; zones
// maps node names to their topology zone.
func groups(eps []podendpoint.Endpoint, zones map[string]string) []*group {
	byKey := map[string]*group{}
	var out []*group
	for _, e := range eps {
		k := podendpoint.Key(e.Ports)
		g := byKey[k]
		if g == nil {
			g = &group{key: k, ports: slicePorts(e.Ports), byName: make(map[string]int, len(eps))}
			byKey[k] = g
			out = append(out, g)
		}
		g.byName[e.Pod.Name] = len(g.eps)
		g.eps = append(g.eps, sliceEndpoint(e, zones[e.Pod.Spec.NodeName]))
	}
	sortByKey(out)
	return out
}

// sliceEndpoint is e as an EndpointSlice endpoint; zone is its node's zone ("" if unknown).
func sliceEndpoint(e podendpoint.Endpoint, zone string) discoveryv1.Endpoint {
	p := e.Pod
	ep := discoveryv1.Endpoint{
		Addresses: []string{e.IP},
		Conditions: discoveryv1.EndpointConditions{
			Ready: ptr.To(e.Ready), Serving: ptr.To(e.Serving), Terminating: ptr.To(e.Terminating),
		},
		TargetRef: &corev1.ObjectReference{Kind: "Pod", Namespace: p.Namespace, Name: p.Name, UID: p.UID},
	}
	if p.Spec.NodeName != "" {
		ep.NodeName = ptr.To(p.Spec.NodeName)
	}
	if zone != "" {
		ep.Zone = ptr.To(zone)
	}
	if e.Hostname != "" {
		ep.Hostname = ptr.To(e.Hostname)
	}
	return ep
}

// slicePorts converts resolved ports to EndpointSlice ports, with the name and protocol set
// as the API server defaults them, so that stored and desired slices compare equal.
func slicePorts(ps []podendpoint.Port) []discoveryv1.EndpointPort {
	if len(ps) == 0 {
		return nil
	}
	out := make([]discoveryv1.EndpointPort, len(ps))
	for i, p := range ps {
		out[i] = discoveryv1.EndpointPort{Name: ptr.To(p.Name), Port: ptr.To(p.Port), Protocol: ptr.To(p.Protocol)}
		if p.AppProtocol != "" {
			out[i].AppProtocol = ptr.To(p.AppProtocol)
		}
	}
	return out
}

// portKey is podendpoint.Key of an existing slice's ports.
func portKey(ps []discoveryv1.EndpointPort) string {
	conv := make([]podendpoint.Port, len(ps))
	for i, p := range ps {
		conv[i] = podendpoint.Port{Name: ptr.Deref(p.Name, ""), Port: ptr.Deref(p.Port, 0),
			Protocol: ptr.Deref(p.Protocol, corev1.ProtocolTCP), AppProtocol: ptr.Deref(p.AppProtocol, "")}
	}
	return podendpoint.Key(conv)
}

// sliceLabels are the labels of svc's slices: the Service's own, the service-name and
// managed-by labels, and the headless label for a Service without a cluster IP.
func sliceLabels(svc *corev1.Service) map[string]string {
	l := make(map[string]string, len(svc.Labels)+3)
	for k, v := range svc.Labels {
		l[k] = v
	}
	l[discoveryv1.LabelServiceName] = svc.Name
	l[discoveryv1.LabelManagedBy] = ControllerName
	delete(l, headlessLabel)
	if svc.Spec.ClusterIP == corev1.ClusterIPNone {
		l[headlessLabel] = ""
	}
	return l
}

// ownerRefs makes svc the controller of its slices.
func ownerRefs(svc *corev1.Service) []metav1.OwnerReference {
	return []metav1.OwnerReference{*metav1.NewControllerRef(svc, corev1.SchemeGroupVersion.WithKind("Service"))}
}

// ownedBy reports whether svc (this incarnation of it) controls s.
func ownedBy(s *discoveryv1.EndpointSlice, svc *corev1.Service) bool {
	ref := metav1.GetControllerOfNoCopy(s)
	return ref != nil && ref.UID == svc.UID
}

// newSlice is an empty slice for svc; the API server names it "<svc>-<suffix>".
func newSlice(svc *corev1.Service) *discoveryv1.EndpointSlice {
	return &discoveryv1.EndpointSlice{
		ObjectMeta: metav1.ObjectMeta{GenerateName: svc.Name + "-", Namespace: svc.Namespace,
			Labels: sliceLabels(svc), OwnerReferences: ownerRefs(svc)},
		AddressType: discoveryv1.AddressTypeIPv4,
	}
}
