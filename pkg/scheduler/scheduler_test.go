package scheduler_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"

	"skiff/pkg/scheduler"
	"skiff/pkg/server/servertest"
)

type env struct {
	t  *testing.T
	cs kubernetes.Interface
	s  *servertest.Server
}

func setup(t *testing.T) (*env, context.CancelFunc) {
	t.Parallel()
	s := servertest.StartWith(t, servertest.Options{NoControllers: true})
	e := &env{t: t, cs: s.Client, s: s}
	return e, e.runScheduler()
}

func (e *env) runScheduler() context.CancelFunc {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { scheduler.Run(ctx, e.s.Config, slog.Default()); close(done) }()
	stop := func() { cancel(); <-done }
	e.t.Cleanup(stop)
	return stop
}

func (e *env) node(name, cpu string, labels map[string]string, taints ...corev1.Taint) {
	e.t.Helper()
	n := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}, Spec: corev1.NodeSpec{Taints: taints},
		Status: corev1.NodeStatus{
			Allocatable: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(cpu), corev1.ResourceMemory: resource.MustParse("8Gi"), corev1.ResourcePods: resource.MustParse("110")},
			Conditions:  []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionTrue}},
		}}
	n.Status.Capacity = n.Status.Allocatable
	if _, err := e.cs.CoreV1().Nodes().Create(context.Background(), n, metav1.CreateOptions{}); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) pod(name, cpu string, mutate ...func(*corev1.Pod)) {
	e.t.Helper()
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default", Labels: map[string]string{"app": name}},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "busybox:1.35",
			Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(cpu)}}}}}}
	for _, m := range mutate {
		m(p)
	}
	if _, err := e.cs.CoreV1().Pods("default").Create(context.Background(), p, metav1.CreateOptions{}); err != nil {
		e.t.Fatal(err)
	}
}

// eventually polls cond for up to 30 s.
func (e *env) eventually(what string, cond func() (bool, error)) {
	e.t.Helper()
	err := wait.PollUntilContextTimeout(context.Background(), 50*time.Millisecond, 30*time.Second, true, func(context.Context) (bool, error) { return cond() })
	if err != nil {
		e.t.Fatalf("timed out waiting for %s: %v", what, err)
	}
}

func (e *env) get(name string) *corev1.Pod {
	p, err := e.cs.CoreV1().Pods("default").Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

func (e *env) nodeOf(name string) string {
	e.t.Helper()
	var node string
	e.eventually(name+" bound", func() (bool, error) { node = e.get(name).Spec.NodeName; return node != "", nil })
	return node
}

func TestPendingUntilANodeFits(t *testing.T) {
	e, _ := setup(t)
	e.node("small", "1", nil)
	e.node("tainted", "8", nil, corev1.Taint{Key: "dedicated", Value: "gpu", Effect: corev1.TaintEffectNoSchedule})
	e.pod("big", "4")
	want := "0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {dedicated: gpu}."
	e.eventually("Unschedulable condition", func() (bool, error) {
		for _, c := range e.get("big").Status.Conditions {
			if c.Type == corev1.PodScheduled && c.Status == corev1.ConditionFalse && c.Reason == "Unschedulable" {
				if !strings.HasPrefix(c.Message, "0/2 nodes are available") {
					return false, fmt.Errorf("message %q, want like %q", c.Message, want)
				}
				return true, nil
			}
		}
		return false, nil
	})
	e.eventually("FailedScheduling event", func() (bool, error) {
		evs, err := e.cs.CoreV1().Events("default").List(context.Background(), metav1.ListOptions{FieldSelector: "involvedObject.name=big,reason=FailedScheduling"})
		return err == nil && len(evs.Items) > 0, err
	})
	e.node("large", "8", nil)
	if got := e.nodeOf("big"); got != "large" {
		t.Fatalf("big bound to %s, want large", got)
	}
	e.eventually("Scheduled event", func() (bool, error) {
		evs, err := e.cs.CoreV1().Events("default").List(context.Background(), metav1.ListOptions{FieldSelector: "involvedObject.name=big,reason=Scheduled"})
		return err == nil && len(evs.Items) > 0, err
	})
}

func TestPlacementRules(t *testing.T) {
	e, _ := setup(t)
	e.node("a", "4", map[string]string{"disk": "ssd", "zone": "z1"})
	e.node("b", "4", map[string]string{"disk": "hdd", "zone": "z2"})
	e.node("c", "4", map[string]string{"disk": "hdd", "zone": "z3"}, corev1.Taint{Key: "team", Value: "x", Effect: corev1.TaintEffectNoSchedule})
	e.pod("ssd", "100m", func(p *corev1.Pod) { p.Spec.NodeSelector = map[string]string{"disk": "ssd"} })
	if got := e.nodeOf("ssd"); got != "a" {
		t.Errorf("nodeSelector disk=ssd: got %s, want a", got)
	}
	e.pod("tolerates", "100m", func(p *corev1.Pod) {
		p.Spec.Tolerations = []corev1.Toleration{{Key: "team", Operator: corev1.TolerationOpEqual, Value: "x", Effect: corev1.TaintEffectNoSchedule}}
		p.Spec.Affinity = &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{
			NodeSelectorTerms: []corev1.NodeSelectorTerm{{MatchExpressions: []corev1.NodeSelectorRequirement{{Key: "zone", Operator: corev1.NodeSelectorOpIn, Values: []string{"z3"}}}}}}}}
	})
	if got := e.nodeOf("tolerates"); got != "c" {
		t.Errorf("affinity zone=z3 with toleration: got %s, want c", got)
	}
	anti := func(p *corev1.Pod) {
		p.Labels = map[string]string{"role": "db"}
		p.Spec.Affinity = &corev1.Affinity{PodAntiAffinity: &corev1.PodAntiAffinity{RequiredDuringSchedulingIgnoredDuringExecution: []corev1.PodAffinityTerm{{
			LabelSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"role": "db"}}, TopologyKey: "kubernetes.io/hostname"}}}}
	}
	for _, n := range []string{"a", "b", "c"} {
		if err := patchHostname(e, n); err != nil {
			t.Fatal(err)
		}
	}
	e.pod("db1", "100m", anti)
	e.pod("db2", "100m", anti)
	n1, n2 := e.nodeOf("db1"), e.nodeOf("db2")
	if n1 == n2 || n1 == "c" || n2 == "c" {
		t.Errorf("anti-affinity: db1 on %s, db2 on %s; want different untainted nodes", n1, n2)
	}
	e.pod("other", "100m", func(p *corev1.Pod) { p.Spec.SchedulerName = "my-scheduler" })
	time.Sleep(time.Second)
	if got := e.get("other").Spec.NodeName; got != "" {
		t.Errorf("pod naming another scheduler was bound to %s", got)
	}
}

func patchHostname(e *env, node string) error {
	_, err := e.cs.CoreV1().Nodes().Patch(context.Background(), node, "application/merge-patch+json",
		[]byte(fmt.Sprintf(`{"metadata":{"labels":{"kubernetes.io/hostname":%q}}}`, node)), metav1.PatchOptions{})
	return err
}

func TestRestartLosesNoPod(t *testing.T) {
	e, stop := setup(t)
	e.node("n1", "16", nil)
	e.pod("before", "100m")
	e.nodeOf("before")
	stop()
	for i := range 20 {
		e.pod(fmt.Sprintf("p%d", i), "100m")
	}
	e.runScheduler()
	for i := range 20 {
		e.nodeOf(fmt.Sprintf("p%d", i))
	}
}

func TestPreemption(t *testing.T) {
	e, _ := setup(t)
	ctx := context.Background()
	for _, pc := range []struct {
		name  string
		value int32
	}{{"low", 10}, {"high", 1000}} {
		obj := &schedulingv1.PriorityClass{ObjectMeta: metav1.ObjectMeta{Name: pc.name}, Value: pc.value}
		if _, err := e.cs.SchedulingV1().PriorityClasses().Create(ctx, obj, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	e.node("only", "2", nil)
	class := func(c string) func(*corev1.Pod) { return func(p *corev1.Pod) { p.Spec.PriorityClassName = c } }
	e.pod("victim", "1500m", class("low"))
	e.nodeOf("victim")
	e.pod("vip", "1500m", class("high"))
	// The victim is bound and not running anywhere, so its delete is immediate... unless graceful:
	// either way it must go, and the high-priority pod must end on the node.
	e.eventually("victim deleted", func() (bool, error) {
		_, err := e.cs.CoreV1().Pods("default").Get(ctx, "victim", metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return true, nil
		}
		p, _ := e.cs.CoreV1().Pods("default").Get(ctx, "victim", metav1.GetOptions{})
		if p != nil && p.DeletionTimestamp != nil {
			zero := int64(0)
			e.cs.CoreV1().Pods("default").Delete(ctx, "victim", metav1.DeleteOptions{GracePeriodSeconds: &zero})
		}
		return false, nil
	})
	if got := e.nodeOf("vip"); got != "only" {
		t.Fatalf("high-priority pod on %q", got)
	}
}
