// Package podendpointtest builds the Services and pods the endpoint controllers' unit tests
// share. Only tests import it.
package podendpointtest

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// Service returns Service ns/web (uid "svc-uid", label team=a, cluster IP 10.43.0.20)
// selecting app=web, with one port "http" 80 whose target is the named port "web"; opts
// edit it.
func Service(opts ...func(*corev1.Service)) *corev1.Service {
	s := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "ns", UID: "svc-uid", Labels: map[string]string{"team": "a"}},
		Spec: corev1.ServiceSpec{Selector: map[string]string{"app": "web"}, ClusterIP: "10.43.0.20",
			Ports: []corev1.ServicePort{{Name: "http", Port: 80, Protocol: corev1.ProtocolTCP, TargetPort: intstr.FromString("web")}}}}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Pod returns the Running, Ready pod ns/p<i> (4 digits; uid "uid-<i>", label app=web) on
// node n1 with IP 10.42.<i/250>.<i%250+2> and container port "web" 8080; opts edit it.
func Pod(i int, opts ...func(*corev1.Pod)) *corev1.Pod {
	ip := fmt.Sprintf("10.42.%d.%d", i/250, i%250+2)
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("p%04d", i), Namespace: "ns", UID: types.UID(fmt.Sprint("uid-", i)),
		Labels: map[string]string{"app": "web"}},
		Spec: corev1.PodSpec{NodeName: "n1", Containers: []corev1.Container{{Name: "c",
			Ports: []corev1.ContainerPort{{Name: "web", ContainerPort: 8080, Protocol: corev1.ProtocolTCP}}}}},
		Status: corev1.PodStatus{Phase: corev1.PodRunning, PodIP: ip, PodIPs: []corev1.PodIP{{IP: ip}},
			Conditions: []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue}}}}
	for _, o := range opts {
		o(p)
	}
	return p
}

// Pods returns Pod(i, opts...) for i in [from, to).
func Pods(from, to int, opts ...func(*corev1.Pod)) []*corev1.Pod {
	var out []*corev1.Pod
	for i := from; i < to; i++ {
		out = append(out, Pod(i, opts...))
	}
	return out
}

// Unready clears a pod's conditions.
func Unready(p *corev1.Pod) { p.Status.Conditions = nil }

// Terminating gives a pod a deletionTimestamp.
func Terminating(p *corev1.Pod) { p.DeletionTimestamp = &metav1.Time{} }

// Port sets the number of a pod's "web" container port.
func Port(n int32) func(*corev1.Pod) {
	return func(p *corev1.Pod) { p.Spec.Containers[0].Ports[0].ContainerPort = n }
}
