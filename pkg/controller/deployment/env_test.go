package deployment_test

import (
	"context"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/kubectl/pkg/util/podutils"
	"k8s.io/utils/clock"
	"k8s.io/utils/ptr"

	"skiff/pkg/controller/controllertest"
	"skiff/pkg/controller/deployment"
	"skiff/pkg/controller/replicaset"
)

// stuckLabel keeps the fake kubelet from making a pod ready.
const stuckLabel = "stuck"

// env is a real API server running the Deployment and ReplicaSet controllers and a fake
// kubelet that makes every pod (unless labeled stuck) Running and Ready.
type env struct {
	*controllertest.Env
}

func start(t *testing.T) *env {
	t.Helper()
	e := controllertest.Start(t, "deploy-test")
	dc := deployment.New(e.Client, e.Informers, e.Recorder, clock.RealClock{}, e.Log)
	rsc := replicaset.New(e.Client, e.Informers, e.Recorder, clock.RealClock{}, e.Log)
	e.Run(func(ctx context.Context) error { return dc.Run(ctx, 2) })
	e.Run(func(ctx context.Context) error { return rsc.Run(ctx, 2) })
	env := &env{e}
	e.Go(func(context.Context) { env.kubelet() })
	return env
}

// kubelet makes pods ready until the context ends.
func (e *env) kubelet() {
	for e.Ctx.Err() == nil {
		w, err := e.Client.CoreV1().Pods(e.NS).Watch(e.Ctx, metav1.ListOptions{})
		if err != nil {
			time.Sleep(100 * time.Millisecond)
			continue
		}
		for ev := range w.ResultChan() {
			p, ok := ev.Object.(*corev1.Pod)
			if !ok || ev.Type == watch.Deleted || podutils.IsPodReady(p) || p.Labels[stuckLabel] == "true" || p.DeletionTimestamp != nil {
				continue
			}
			p.Status.Phase = corev1.PodRunning
			p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue, LastTransitionTime: metav1.Now()}}
			_, _ = e.Client.CoreV1().Pods(e.NS).UpdateStatus(e.Ctx, p, metav1.UpdateOptions{})
		}
		w.Stop()
	}
}

func newDeployment(name string, n int32, image string) *appsv1.Deployment {
	l := map[string]string{"app": name}
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: appsv1.DeploymentSpec{Replicas: ptr.To(n), Selector: &metav1.LabelSelector{MatchLabels: l},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: l},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: image}}}}},
	}
}

func (e *env) get(t *testing.T, name string) *appsv1.Deployment {
	t.Helper()
	d, err := e.Client.AppsV1().Deployments(e.NS).Get(e.Ctx, name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// update applies fn to the Deployment, retrying on conflicts.
func (e *env) update(t *testing.T, name string, fn func(*appsv1.Deployment)) {
	t.Helper()
	err := wait.PollUntilContextTimeout(e.Ctx, 20*time.Millisecond, 10*time.Second, true, func(context.Context) (bool, error) {
		d := e.get(t, name)
		fn(d)
		_, err := e.Client.AppsV1().Deployments(e.NS).Update(e.Ctx, d, metav1.UpdateOptions{})
		return err == nil, nil
	})
	if err != nil {
		t.Fatalf("update %s: %v", name, err)
	}
}

// rolledOut reports what `kubectl rollout status` waits for.
func (e *env) rolledOut(t *testing.T, name string) bool {
	d := e.get(t, name)
	st := d.Status
	return st.ObservedGeneration >= d.Generation && st.UpdatedReplicas == *d.Spec.Replicas && st.Replicas == st.UpdatedReplicas &&
		st.AvailableReplicas == st.UpdatedReplicas
}

func (e *env) replicaSets(t *testing.T) []appsv1.ReplicaSet {
	t.Helper()
	list, err := e.Client.AppsV1().ReplicaSets(e.NS).List(e.Ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return list.Items
}

// podWatch follows the namespace's pods from resourceVersion rv, calling check with the
// current pods after every change, until stop is closed; it returns check's first error.
func (e *env) podWatch(t *testing.T, check func(pods map[string]*corev1.Pod) error) (stop func() error) {
	t.Helper()
	list, err := e.Client.CoreV1().Pods(e.NS).List(e.Ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pods := map[string]*corev1.Pod{}
	for i := range list.Items {
		pods[list.Items[i].Name] = &list.Items[i]
	}
	w, err := e.Client.CoreV1().Pods(e.NS).Watch(e.Ctx, metav1.ListOptions{ResourceVersion: list.ResourceVersion})
	if err != nil {
		t.Fatal(err)
	}
	result := make(chan error, 1)
	go func() {
		var first error
		for ev := range w.ResultChan() {
			p, ok := ev.Object.(*corev1.Pod)
			if !ok {
				continue
			}
			if ev.Type == watch.Deleted {
				delete(pods, p.Name)
			} else {
				pods[p.Name] = p
			}
			if err := check(pods); err != nil && first == nil {
				first = err
			}
		}
		result <- first
	}()
	return func() error { w.Stop(); return <-result }
}
