package endpoints_test

import (
	"context"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"skiff/pkg/controller/controllertest"
	"skiff/pkg/controller/endpoints"
)

func TestEndpointsRecreatedAndPublishNotReady(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test: starts etcd and the API server")
	}
	e := controllertest.Start(t, "ep-test")
	c := endpoints.New(e.Client, e.Informers, e.Recorder, e.Log)
	e.Run(func(ctx context.Context) error { return c.Run(ctx, 2) })
	svc := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "db", Labels: map[string]string{"tier": "data"}},
		Spec: corev1.ServiceSpec{Selector: map[string]string{"app": "db"}, ClusterIP: corev1.ClusterIPNone, PublishNotReadyAddresses: true}}
	if _, err := e.Client.CoreV1().Services(e.NS).Create(e.Ctx, svc, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "db-0", Labels: map[string]string{"app": "db"}},
		Spec: corev1.PodSpec{NodeName: "n1", Hostname: "db-0", Subdomain: "db", Containers: []corev1.Container{{Name: "c", Image: "busybox:1.36"}}}}
	p, err := e.Client.CoreV1().Pods(e.NS).Create(e.Ctx, p, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p.Status.Phase, p.Status.PodIP = corev1.PodRunning, "10.42.0.7" // not ready
	if _, err := e.Client.CoreV1().Pods(e.NS).UpdateStatus(e.Ctx, p, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	mirrored := func() bool {
		ep, err := e.Client.CoreV1().Endpoints(e.NS).Get(e.Ctx, "db", metav1.GetOptions{})
		if err != nil || len(ep.Subsets) != 1 || len(ep.Subsets[0].Addresses) != 1 {
			return false
		}
		a := ep.Subsets[0].Addresses[0]
		_, headless := ep.Labels["service.kubernetes.io/headless"]
		return a.IP == "10.42.0.7" && a.Hostname == "db-0" && *a.NodeName == "n1" && a.TargetRef.Name == "db-0" &&
			headless && ep.Labels["tier"] == "data" && ep.Annotations[corev1.EndpointsLastChangeTriggerTime] != ""
	}
	e.Eventually(t, "not-ready pod published as an address", mirrored)
	if err := e.Client.CoreV1().Endpoints(e.NS).Delete(e.Ctx, "db", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	e.Eventually(t, "endpoints recreated", mirrored)
}
