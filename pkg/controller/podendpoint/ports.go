package podendpoint

import (
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// Port is one Service port resolved for a pod.
type Port struct {
	// Name is the Service port's name ("" for a single unnamed port).
	Name     string
	Port     int32
	Protocol corev1.Protocol
	// AppProtocol is the Service port's appProtocol, "" when unset.
	AppProtocol string
}

// Resolve returns svc's ports resolved on pod, in Service order. A numeric targetPort (or
// none: the port itself) resolves as is; a named one to the number of the pod's container
// port (regular or restartable init container) with that name and protocol. Ports that do
// not resolve are left out.
func Resolve(svc *corev1.Service, pod *corev1.Pod) []Port {
	var out []Port
	for _, sp := range svc.Spec.Ports {
		if n, ok := targetPort(sp, pod); ok {
			out = append(out, Port{Name: sp.Name, Port: n, Protocol: protocol(sp.Protocol), AppProtocol: deref(sp.AppProtocol)})
		}
	}
	return out
}

// Key identifies a port list: endpoints with equal keys can share one EndpointSlice or
// Endpoints subset.
func Key(ports []Port) string {
	var b strings.Builder
	b.Grow(32 * len(ports))
	for _, p := range ports {
		b.WriteString(p.Name)
		b.WriteByte('/')
		b.WriteString(strconv.Itoa(int(p.Port)))
		b.WriteByte('/')
		b.WriteString(string(p.Protocol))
		b.WriteByte('/')
		b.WriteString(p.AppProtocol)
		b.WriteByte(';')
	}
	return b.String()
}

func targetPort(sp corev1.ServicePort, pod *corev1.Pod) (int32, bool) {
	tp := sp.TargetPort
	switch {
	case tp.Type == intstr.String && tp.StrVal != "":
		return namedPort(pod, tp.StrVal, protocol(sp.Protocol))
	case tp.Type == intstr.Int && tp.IntVal != 0:
		return tp.IntVal, true
	default:
		return sp.Port, true
	}
}

func namedPort(pod *corev1.Pod, name string, proto corev1.Protocol) (int32, bool) {
	for _, c := range containers(pod) {
		for _, cp := range c.Ports {
			if cp.Name == name && protocol(cp.Protocol) == proto {
				return cp.ContainerPort, true
			}
		}
	}
	return 0, false
}

// containers returns the pod's regular containers and its sidecars (restartable init
// containers), whose ports serve too.
func containers(pod *corev1.Pod) []corev1.Container {
	out := pod.Spec.Containers
	for _, c := range pod.Spec.InitContainers {
		if c.RestartPolicy != nil && *c.RestartPolicy == corev1.ContainerRestartPolicyAlways {
			out = append(out[:len(out):len(out)], c)
		}
	}
	return out
}

func protocol(p corev1.Protocol) corev1.Protocol {
	if p == "" {
		return corev1.ProtocolTCP
	}
	return p
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
