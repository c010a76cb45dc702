package deployment_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/scheme"
	typedcorev1 "k8s.io/client-go/kubernetes/typed/core/v1"
	"k8s.io/client-go/tools/record"
	"k8s.io/kubectl/pkg/util/podutils"
	"k8s.io/utils/clock"
	"k8s.io/utils/ptr"

	"skiff/pkg/controller/deployment"
	"skiff/pkg/controller/replicaset"
	"skiff/pkg/server/servertest"
)

// stuckLabel keeps the fake kubelet from making a pod ready.
const stuckLabel = "stuck"

// env is a real API server running the Deployment and ReplicaSet controllers and a fake
// kubelet that makes every pod (unless labeled stuck) Running and Ready.
type env struct {
	cs  kubernetes.Interface
	ns  string
	ctx context.Context
}

func start(t *testing.T) *env {
	t.Helper()
	s := servertest.StartWith(t, servertest.Options{NoControllers: true})
	ctx, cancel := context.WithCancel(context.Background())
	f := informers.NewSharedInformerFactory(s.Client, 0)
	bc := record.NewBroadcaster()
	bc.StartRecordingToSink(&typedcorev1.EventSinkImpl{Interface: s.Client.CoreV1().Events("")})
	rec := bc.NewRecorder(scheme.Scheme, corev1.EventSource{Component: "test"})
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	dc := deployment.New(s.Client, f, rec, clock.RealClock{}, log)
	rsc := replicaset.New(s.Client, f, rec, clock.RealClock{}, log)
	f.Start(ctx.Done())
	done := make(chan struct{}, 3)
	go func() { _ = dc.Run(ctx, 2); done <- struct{}{} }()
	go func() { _ = rsc.Run(ctx, 2); done <- struct{}{} }()
	e := &env{cs: s.Client, ns: "deploy-test", ctx: ctx}
	go func() { e.kubelet(); done <- struct{}{} }()
	t.Cleanup(func() {
		cancel()
		for range 3 {
			<-done
		}
		f.Shutdown()
		bc.Shutdown()
	})
	if _, err := s.Client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: e.ns}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	return e
}

// kubelet makes pods ready until the context ends.
func (e *env) kubelet() {
	for e.ctx.Err() == nil {
		w, err := e.cs.CoreV1().Pods(e.ns).Watch(e.ctx, metav1.ListOptions{})
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
			_, _ = e.cs.CoreV1().Pods(e.ns).UpdateStatus(e.ctx, p, metav1.UpdateOptions{})
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

func (e *env) eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	err := wait.PollUntilContextTimeout(e.ctx, 50*time.Millisecond, 30*time.Second, true, func(context.Context) (bool, error) { return cond(), nil })
	if err != nil {
		t.Fatalf("timed out waiting for %s", what)
	}
}

func (e *env) get(t *testing.T, name string) *appsv1.Deployment {
	t.Helper()
	d, err := e.cs.AppsV1().Deployments(e.ns).Get(e.ctx, name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// update applies fn to the Deployment, retrying on conflicts.
func (e *env) update(t *testing.T, name string, fn func(*appsv1.Deployment)) {
	t.Helper()
	err := wait.PollUntilContextTimeout(e.ctx, 20*time.Millisecond, 10*time.Second, true, func(context.Context) (bool, error) {
		d := e.get(t, name)
		fn(d)
		_, err := e.cs.AppsV1().Deployments(e.ns).Update(e.ctx, d, metav1.UpdateOptions{})
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
	list, err := e.cs.AppsV1().ReplicaSets(e.ns).List(e.ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return list.Items
}

// podWatch follows the namespace's pods from resourceVersion rv, calling check with the
// current pods after every change, until stop is closed; it returns check's first error.
func (e *env) podWatch(t *testing.T, check func(pods map[string]*corev1.Pod) error) (stop func() error) {
	t.Helper()
	list, err := e.cs.CoreV1().Pods(e.ns).List(e.ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pods := map[string]*corev1.Pod{}
	for i := range list.Items {
		pods[list.Items[i].Name] = &list.Items[i]
	}
	w, err := e.cs.CoreV1().Pods(e.ns).Watch(e.ctx, metav1.ListOptions{ResourceVersion: list.ResourceVersion})
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
