package replicaset_test

import (
	"context"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/clock"
	"k8s.io/utils/ptr"

	"skiff/pkg/controller/controllertest"
	"skiff/pkg/controller/replicaset"
)

// env is a real API server with the controller under test running, and a fresh namespace.
type env struct {
	*controllertest.Env
}

func start(t *testing.T) *env {
	t.Helper()
	e := controllertest.Start(t, "rs-test")
	c := replicaset.New(e.Client, e.Informers, e.Recorder, clock.RealClock{}, e.Log)
	e.Run(func(ctx context.Context) error { return c.Run(ctx, 2) })
	return &env{e}
}

func newRS(name string, n int32) *appsv1.ReplicaSet {
	l := map[string]string{"app": name}
	return &appsv1.ReplicaSet{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: appsv1.ReplicaSetSpec{Replicas: ptr.To(n), Selector: &metav1.LabelSelector{MatchLabels: l},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: l},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "busybox:1.36"}}}}},
	}
}

// pods lists the active pods controlled by the ReplicaSet named rs.
func (e *env) pods(t *testing.T, rs string) []corev1.Pod {
	t.Helper()
	list, err := e.Client.CoreV1().Pods(e.NS).List(e.Ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return slices.DeleteFunc(list.Items, func(p corev1.Pod) bool {
		ref := metav1.GetControllerOf(&p)
		return ref == nil || ref.Name != rs || p.DeletionTimestamp != nil
	})
}

func (e *env) makeReady(t *testing.T, p corev1.Pod) {
	t.Helper()
	p.Status.Phase = corev1.PodRunning
	p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue, LastTransitionTime: metav1.Now()}}
	if _, err := e.Client.CoreV1().Pods(e.NS).UpdateStatus(e.Ctx, &p, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
}

func (e *env) scale(t *testing.T, name string, n int32) {
	t.Helper()
	rs, err := e.Client.AppsV1().ReplicaSets(e.NS).Get(e.Ctx, name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rs.Spec.Replicas = ptr.To(n)
	if _, err := e.Client.AppsV1().ReplicaSets(e.NS).Update(e.Ctx, rs, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
}

func (e *env) status(t *testing.T, name string) appsv1.ReplicaSetStatus {
	t.Helper()
	rs, err := e.Client.AppsV1().ReplicaSets(e.NS).Get(e.Ctx, name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return rs.Status
}

func podNames(pods []corev1.Pod) []string {
	var out []string
	for _, p := range pods {
		out = append(out, p.Name)
	}
	slices.Sort(out)
	return out
}

func TestScaleUpAndDown(t *testing.T) {
	e := start(t)
	if _, err := e.Client.AppsV1().ReplicaSets(e.NS).Create(e.Ctx, newRS("web", 3), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	e.Eventually(t, "3 pods", func() bool { return len(e.pods(t, "web")) == 3 })
	pods := e.pods(t, "web")
	for _, p := range pods {
		if p.GenerateName != "web-" || !*metav1.GetControllerOf(&p).BlockOwnerDeletion {
			t.Errorf("pod %s: generateName %q, owner %+v", p.Name, p.GenerateName, p.OwnerReferences)
		}
	}
	e.makeReady(t, pods[0])
	e.makeReady(t, pods[2])
	e.Eventually(t, "status ready 2", func() bool {
		st := e.status(t, "web")
		return st.Replicas == 3 && st.ReadyReplicas == 2 && st.AvailableReplicas == 2 && st.FullyLabeledReplicas == 3 && st.ObservedGeneration == 1
	})
	e.scale(t, "web", 2)
	e.Eventually(t, "2 pods", func() bool { return len(e.pods(t, "web")) == 2 })
	if diff := cmp.Diff(podNames([]corev1.Pod{pods[0], pods[2]}), podNames(e.pods(t, "web"))); diff != "" {
		t.Errorf("scale-down kept the wrong pods (-want +got):\n%s", diff)
	}
	e.scale(t, "web", 5)
	e.Eventually(t, "5 pods", func() bool { return len(e.pods(t, "web")) == 5 })
	e.Eventually(t, "status 5", func() bool { st := e.status(t, "web"); return st.Replicas == 5 && st.ObservedGeneration == 3 })
	e.scale(t, "web", 0)
	e.Eventually(t, "0 pods", func() bool { return len(e.pods(t, "web")) == 0 })
	e.Eventually(t, "status 0", func() bool { return e.status(t, "web").Replicas == 0 })
}

func TestAdoptAndRelease(t *testing.T) {
	e := start(t)
	orphan := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "orphan", Labels: map[string]string{"app": "api"}},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "busybox:1.36"}}}}
	if _, err := e.Client.CoreV1().Pods(e.NS).Create(e.Ctx, orphan, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	rs, err := e.Client.AppsV1().ReplicaSets(e.NS).Create(e.Ctx, newRS("api", 2), metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	e.Eventually(t, "2 pods owned", func() bool { return len(e.pods(t, "api")) == 2 })
	adopted, err := e.Client.CoreV1().Pods(e.NS).Get(e.Ctx, "orphan", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if ref := metav1.GetControllerOf(adopted); ref == nil || ref.UID != rs.UID || !*ref.BlockOwnerDeletion {
		t.Fatalf("orphan not adopted: %+v", adopted.OwnerReferences)
	}
	adopted.Labels = map[string]string{"app": "gone"}
	if _, err := e.Client.CoreV1().Pods(e.NS).Update(e.Ctx, adopted, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	e.Eventually(t, "release and replace", func() bool {
		p, err := e.Client.CoreV1().Pods(e.NS).Get(e.Ctx, "orphan", metav1.GetOptions{})
		return err == nil && len(p.OwnerReferences) == 0 && len(e.pods(t, "api")) == 2 && !slices.Contains(podNames(e.pods(t, "api")), "orphan")
	})
	// Never more than two owned pods: the adopted pod replaced one that would have been created.
	if got := e.status(t, "api").Replicas; got > 2 {
		t.Errorf("status.replicas = %d", got)
	}
}
