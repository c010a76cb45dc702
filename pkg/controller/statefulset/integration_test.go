package statefulset_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/kubectl/pkg/polymorphichelpers"
	"k8s.io/utils/clock"
	"k8s.io/utils/ptr"

	"skiff/pkg/controller/controllertest"
	"skiff/pkg/controller/statefulset"
)

// env is a real API server with the controller under test running, and a fresh namespace.
type env struct {
	*controllertest.Env
}

func start(t *testing.T) *env {
	t.Helper()
	e := controllertest.Start(t, "sts-test")
	c := statefulset.New(e.Client, e.Informers, e.Recorder, clock.RealClock{}, e.Log)
	e.Run(func(ctx context.Context) error { return c.Run(ctx, 2) })
	return &env{e}
}

func newSet(name string, n int32) *appsv1.StatefulSet {
	l := map[string]string{"app": name}
	return &appsv1.StatefulSet{ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: appsv1.StatefulSetSpec{Replicas: ptr.To(n), ServiceName: name, Selector: &metav1.LabelSelector{MatchLabels: l},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: l},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "busybox:1.36"}}}}}}
}

// pods returns the set's pods that are not being deleted, by name.
func (e *env) pods(t *testing.T, app string) map[string]corev1.Pod {
	t.Helper()
	list, err := e.Client.CoreV1().Pods(e.NS).List(e.Ctx, metav1.ListOptions{LabelSelector: "app=" + app})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]corev1.Pod{}
	for _, p := range list.Items {
		if p.DeletionTimestamp == nil {
			out[p.Name] = p
		}
	}
	return out
}

func names(m map[string]corev1.Pod) []string {
	var out []string
	for n := range m {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// makeReady marks pod Running and Ready.
func (e *env) makeReady(t *testing.T, p corev1.Pod) {
	t.Helper()
	p.Status.Phase = corev1.PodRunning
	p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue, LastTransitionTime: metav1.Now()}}
	if _, err := e.Client.CoreV1().Pods(e.NS).UpdateStatus(e.Ctx, &p, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// readyAll marks every not-yet-ready pod of app ready.
func (e *env) readyAll(t *testing.T, app string) {
	for _, p := range e.pods(t, app) {
		if !statefulset.IsReady(&p) {
			e.makeReady(t, p)
		}
	}
}

func (e *env) get(t *testing.T, name string) *appsv1.StatefulSet {
	t.Helper()
	s, err := e.Client.AppsV1().StatefulSets(e.NS).Get(e.Ctx, name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (e *env) update(t *testing.T, name string, mutate func(*appsv1.StatefulSet)) {
	t.Helper()
	s := e.get(t, name)
	mutate(s)
	if _, err := e.Client.AppsV1().StatefulSets(e.NS).Update(e.Ctx, s, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// rolloutDone runs kubectl's StatefulSet rollout status check.
func (e *env) rolloutDone(t *testing.T, name string) bool {
	t.Helper()
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(e.get(t, name))
	if err != nil {
		t.Fatal(err)
	}
	_, done, err := (&polymorphichelpers.StatefulSetStatusViewer{}).Status(&unstructured.Unstructured{Object: m}, 0)
	return err == nil && done
}

func TestOrderedCreateAndReverseScaleDown(t *testing.T) {
	e := start(t)
	set := newSet("web", 3)
	set.Spec.VolumeClaimTemplates = []corev1.PersistentVolumeClaim{{ObjectMeta: metav1.ObjectMeta{Name: "data"},
		Spec: corev1.PersistentVolumeClaimSpec{AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
			Resources: corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("1Gi")}}}}}
	if _, err := e.Client.AppsV1().StatefulSets(e.NS).Create(e.Ctx, set, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	for i, want := range [][]string{{"web-0"}, {"web-0", "web-1"}, {"web-0", "web-1", "web-2"}} {
		e.Eventually(t, want[i], func() bool { return len(e.pods(t, "web")) == len(want) })
		if diff := cmp.Diff(want, names(e.pods(t, "web"))); diff != "" {
			t.Fatalf("ordered creation (-want +got):\n%s", diff)
		}
		p := e.pods(t, "web")[want[i]]
		checkIdentity(t, p, i)
		e.makeReady(t, p)
	}
	for _, claim := range []string{"data-web-0", "data-web-1", "data-web-2"} {
		if _, err := e.Client.CoreV1().PersistentVolumeClaims(e.NS).Get(e.Ctx, claim, metav1.GetOptions{}); err != nil {
			t.Errorf("claim %s: %v", claim, err)
		}
	}
	e.Eventually(t, "rollout status complete", func() bool { return e.rolloutDone(t, "web") })
	w, err := e.Client.CoreV1().Pods(e.NS).Watch(e.Ctx, metav1.ListOptions{LabelSelector: "app=web", ResourceVersion: e.get(t, "web").ResourceVersion})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	e.update(t, "web", func(s *appsv1.StatefulSet) { s.Spec.Replicas = ptr.To[int32](1) })
	var deleted []string
	timeout := time.After(30 * time.Second)
	for len(deleted) < 2 {
		select {
		case ev := <-w.ResultChan():
			if ev.Type == watch.Deleted {
				deleted = append(deleted, ev.Object.(*corev1.Pod).Name)
			}
		case <-timeout:
			t.Fatalf("deletions seen: %v", deleted)
		}
	}
	if diff := cmp.Diff([]string{"web-2", "web-1"}, deleted); diff != "" {
		t.Fatalf("scale-down order (-want +got):\n%s", diff)
	}
	e.Eventually(t, "status replicas 1", func() bool {
		st := e.get(t, "web").Status
		return st.Replicas == 1 && st.ReadyReplicas == 1 && st.ObservedGeneration == 2
	})
}

func checkIdentity(t *testing.T, p corev1.Pod, ord int) {
	t.Helper()
	idx := string(rune('0' + ord))
	if p.Spec.Hostname != p.Name || p.Spec.Subdomain != "web" || p.Labels[appsv1.StatefulSetPodNameLabel] != p.Name ||
		p.Labels[appsv1.PodIndexLabel] != idx || p.Labels[appsv1.ControllerRevisionHashLabelKey] == "" {
		t.Errorf("pod %s identity: hostname %q subdomain %q labels %v", p.Name, p.Spec.Hostname, p.Spec.Subdomain, p.Labels)
	}
	var claims []string
	for _, v := range p.Spec.Volumes {
		if v.PersistentVolumeClaim != nil {
			claims = append(claims, v.PersistentVolumeClaim.ClaimName)
		}
	}
	if diff := cmp.Diff([]string{"data-web-" + idx}, claims); diff != "" {
		t.Errorf("pod %s claims (-want +got):\n%s", p.Name, diff)
	}
}

func TestPartitionedRollingUpdate(t *testing.T) {
	e := start(t)
	set := newSet("db", 3)
	set.Spec.PodManagementPolicy = appsv1.ParallelPodManagement
	if _, err := e.Client.AppsV1().StatefulSets(e.NS).Create(e.Ctx, set, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	e.Eventually(t, "3 pods", func() bool { return len(e.pods(t, "db")) == 3 })
	e.readyAll(t, "db")
	e.Eventually(t, "ready", func() bool { return e.get(t, "db").Status.ReadyReplicas == 3 })
	oldRev := e.get(t, "db").Status.CurrentRevision
	e.update(t, "db", func(s *appsv1.StatefulSet) {
		s.Spec.UpdateStrategy.RollingUpdate = &appsv1.RollingUpdateStatefulSetStrategy{Partition: ptr.To[int32](2)}
		s.Spec.Template.Spec.Containers[0].Image = "busybox:1.37"
	})
	e.Eventually(t, "db-2 updated", func() bool {
		e.readyAll(t, "db")
		st := e.get(t, "db").Status
		return st.UpdatedReplicas == 1 && st.ReadyReplicas == 3 && st.UpdateRevision != oldRev
	})
	st := e.get(t, "db").Status
	for name, p := range e.pods(t, "db") {
		want := oldRev
		if name == "db-2" {
			want = st.UpdateRevision
		}
		if got := p.Labels[appsv1.ControllerRevisionHashLabelKey]; got != want {
			t.Errorf("%s at revision %s, want %s", name, got, want)
		}
	}
	if st.CurrentRevision != oldRev || !e.rolloutDone(t, "db") {
		t.Errorf("partitioned rollout: status %+v", st)
	}
	e.update(t, "db", func(s *appsv1.StatefulSet) { s.Spec.UpdateStrategy.RollingUpdate.Partition = ptr.To[int32](0) })
	e.Eventually(t, "all updated", func() bool {
		e.readyAll(t, "db")
		st := e.get(t, "db").Status
		return st.CurrentRevision == st.UpdateRevision && st.UpdatedReplicas == 3 && st.ReadyReplicas == 3
	})
	for name, p := range e.pods(t, "db") {
		if img := p.Spec.Containers[0].Image; img != "busybox:1.37" {
			t.Errorf("%s image %s", name, img)
		}
	}
	revs, err := e.Client.AppsV1().ControllerRevisions(e.NS).List(e.Ctx, metav1.ListOptions{LabelSelector: "app=db"})
	if err != nil || len(revs.Items) != 2 {
		t.Errorf("controller revisions: %d, %v", len(revs.Items), err)
	}
}
