package daemonset_test

import (
	"context"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/clock"

	"skiff/pkg/controller/controllertest"
	"skiff/pkg/controller/daemonset"
)

// env is a real API server with the controller under test running, and a fresh namespace.
type env struct {
	*controllertest.Env
}

func start(t *testing.T) *env {
	t.Helper()
	e := controllertest.Start(t, "ds-test")
	c := daemonset.New(e.Client, e.Informers, e.Recorder, clock.RealClock{}, e.Log)
	e.Run(func(ctx context.Context) error { return c.Run(ctx, 2) })
	return &env{e}
}

func (e *env) addNode(t *testing.T, name string, labels map[string]string, taints ...corev1.Taint) {
	t.Helper()
	n := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}, Spec: corev1.NodeSpec{Taints: taints}}
	if _, err := e.Client.CoreV1().Nodes().Create(e.Ctx, n, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// podNodes returns the sorted target nodes of the live daemon pods.
func (e *env) podNodes(t *testing.T) []string {
	t.Helper()
	list, err := e.Client.CoreV1().Pods(e.NS).List(e.Ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range list.Items {
		if p.DeletionTimestamp == nil {
			out = append(out, daemonset.TargetNode(&p))
		}
	}
	slices.Sort(out)
	return out
}

func (e *env) status(t *testing.T) appsv1.DaemonSetStatus {
	t.Helper()
	ds, err := e.Client.AppsV1().DaemonSets(e.NS).Get(e.Ctx, "agent", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return ds.Status
}

func TestDaemonPodsFollowNodes(t *testing.T) {
	e := start(t)
	linux := map[string]string{"os": "linux"}
	e.addNode(t, "n1", linux)
	e.addNode(t, "n2", linux, corev1.Taint{Key: "dedicated", Value: "db", Effect: corev1.TaintEffectNoSchedule})
	e.addNode(t, "n3", map[string]string{"os": "windows"})
	e.addNode(t, "n4", linux, corev1.Taint{Key: corev1.TaintNodeNotReady, Effect: corev1.TaintEffectNoExecute})
	l := map[string]string{"app": "agent"}
	ds := &appsv1.DaemonSet{ObjectMeta: metav1.ObjectMeta{Name: "agent"}, Spec: appsv1.DaemonSetSpec{
		Selector: &metav1.LabelSelector{MatchLabels: l},
		Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: l}, Spec: corev1.PodSpec{
			NodeSelector: linux, Containers: []corev1.Container{{Name: "c", Image: "busybox:1.36"}}}}}}
	if _, err := e.Client.AppsV1().DaemonSets(e.NS).Create(e.Ctx, ds, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	e.Eventually(t, "pods on n1 and n4", func() bool { return len(e.podNodes(t)) == 2 })
	if diff := cmp.Diff([]string{"n1", "n4"}, e.podNodes(t)); diff != "" {
		t.Fatalf("daemon pods (-want +got):\n%s", diff)
	}
	list, _ := e.Client.CoreV1().Pods(e.NS).List(e.Ctx, metav1.ListOptions{})
	p := list.Items[0]
	if !daemonset.Tolerated(p.Spec.Tolerations, &corev1.Taint{Key: corev1.TaintNodeUnreachable, Effect: corev1.TaintEffectNoExecute}) ||
		p.Labels[appsv1.DefaultDaemonSetUniqueLabelKey] == "" {
		t.Errorf("pod %s: tolerations %v labels %v", p.Name, p.Spec.Tolerations, p.Labels)
	}
	e.Eventually(t, "status", func() bool {
		st := e.status(t)
		return st.DesiredNumberScheduled == 2 && st.CurrentNumberScheduled == 2 && st.NumberMisscheduled == 0 && st.ObservedGeneration == 1
	})
	e.addNode(t, "n5", linux)
	e.Eventually(t, "new node gets a pod", func() bool { return slices.Contains(e.podNodes(t), "n5") })
	n1, err := e.Client.CoreV1().Nodes().Get(e.Ctx, "n1", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	n1.Labels["os"] = "plan9"
	if _, err := e.Client.CoreV1().Nodes().Update(e.Ctx, n1, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	e.Eventually(t, "pod leaves ineligible node", func() bool { return !slices.Contains(e.podNodes(t), "n1") })
	if diff := cmp.Diff([]string{"n4", "n5"}, e.podNodes(t)); diff != "" {
		t.Errorf("daemon pods (-want +got):\n%s", diff)
	}
}

func TestRollingUpdate(t *testing.T) {
	e := start(t)
	for _, n := range []string{"n1", "n2", "n3"} {
		e.addNode(t, n, nil)
	}
	l := map[string]string{"app": "agent"}
	ds := &appsv1.DaemonSet{ObjectMeta: metav1.ObjectMeta{Name: "agent"}, Spec: appsv1.DaemonSetSpec{
		Selector: &metav1.LabelSelector{MatchLabels: l},
		Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: l}, Spec: corev1.PodSpec{
			Containers: []corev1.Container{{Name: "c", Image: "busybox:1.36"}}}}}}
	if _, err := e.Client.AppsV1().DaemonSets(e.NS).Create(e.Ctx, ds, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	e.Eventually(t, "3 pods", func() bool { return len(e.podNodes(t)) == 3 })
	e.readyAll(t)
	e.Eventually(t, "available", func() bool { return e.status(t).NumberAvailable == 3 })
	cur, err := e.Client.AppsV1().DaemonSets(e.NS).Get(e.Ctx, "agent", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cur.Spec.Template.Spec.Containers[0].Image = "busybox:1.37"
	if _, err := e.Client.AppsV1().DaemonSets(e.NS).Update(e.Ctx, cur, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	maxDown := 0
	e.Eventually(t, "all updated", func() bool {
		down := 3 - e.readyAll(t)
		maxDown = max(maxDown, down)
		st := e.status(t)
		return st.UpdatedNumberScheduled == 3 && st.NumberAvailable == 3 && st.ObservedGeneration == 2
	})
	if maxDown > 1 {
		t.Errorf("saw %d nodes without a ready daemon; maxUnavailable is 1", maxDown)
	}
}

// readyAll marks every live daemon pod Running and Ready and returns how many were already ready.
func (e *env) readyAll(t *testing.T) int {
	t.Helper()
	list, err := e.Client.CoreV1().Pods(e.NS).List(e.Ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ready := 0
	for _, p := range list.Items {
		if p.DeletionTimestamp != nil {
			continue
		}
		if daemonset.IsReady(&p) {
			ready++
			continue
		}
		p.Status.Phase = corev1.PodRunning
		p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue, LastTransitionTime: metav1.Now()}}
		if _, err := e.Client.CoreV1().Pods(e.NS).UpdateStatus(e.Ctx, &p, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	return ready
}
