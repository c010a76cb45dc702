package nodelifecycle_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	coordv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/clock"

	"skiff/pkg/controller/controllertest"
	"skiff/pkg/controller/nodelifecycle"
)

// fakeAgent renews a node's lease every 300 ms while not paused.
type fakeAgent struct {
	cs     kubernetes.Interface
	name   string
	paused atomic.Bool
}

func startAgent(t *testing.T, ctx context.Context, cs kubernetes.Interface, name string) *fakeAgent {
	t.Helper()
	a := &fakeAgent{cs: cs, name: name}
	a.postReady(t, ctx)
	d := int32(3)
	now := metav1.NewMicroTime(time.Now())
	_, err := cs.CoordinationV1().Leases(corev1.NamespaceNodeLease).Create(ctx, &coordv1.Lease{ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: coordv1.LeaseSpec{HolderIdentity: &name, LeaseDurationSeconds: &d, RenewTime: &now}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		for ctx.Err() == nil {
			time.Sleep(300 * time.Millisecond)
			if !a.paused.Load() {
				a.renew(ctx)
			}
		}
	}()
	return a
}

func (a *fakeAgent) renew(ctx context.Context) {
	l, err := a.cs.CoordinationV1().Leases(corev1.NamespaceNodeLease).Get(ctx, a.name, metav1.GetOptions{})
	if err != nil {
		return
	}
	now := metav1.NewMicroTime(time.Now())
	l.Spec.RenewTime = &now
	_, _ = a.cs.CoordinationV1().Leases(corev1.NamespaceNodeLease).Update(ctx, l, metav1.UpdateOptions{})
}

// postReady creates the node if needed and reports Ready=True with a fresh heartbeat.
func (a *fakeAgent) postReady(t *testing.T, ctx context.Context) {
	t.Helper()
	n, err := a.cs.CoreV1().Nodes().Get(ctx, a.name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		n, err = a.cs.CoreV1().Nodes().Create(ctx, &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: a.name}}, metav1.CreateOptions{})
	}
	if err != nil {
		t.Fatal(err)
	}
	now := metav1.Now()
	n.Status.Conditions = []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionTrue, Reason: "KubeletReady",
		LastHeartbeatTime: now, LastTransitionTime: now}}
	if _, err := a.cs.CoreV1().Nodes().UpdateStatus(ctx, n, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
}

func podOn(t *testing.T, cs kubernetes.Interface, name, node string, tols ...corev1.Toleration) {
	t.Helper()
	_, err := cs.CoreV1().Pods("default").Create(context.Background(), &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: corev1.PodSpec{NodeName: node, Tolerations: tols, Containers: []corev1.Container{{Name: "c", Image: "busybox:1"}}}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
}

func unreachableFor(s *int64) corev1.Toleration {
	return corev1.Toleration{Key: corev1.TaintNodeUnreachable, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute, TolerationSeconds: s}
}

// deletedAt returns when a pod was marked for deletion (zero if not), or ok=true if gone.
func deletedAt(ctx context.Context, cs kubernetes.Interface, name string) (at time.Time, marked bool, err error) {
	p, err := cs.CoreV1().Pods("default").Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return time.Time{}, true, nil
	}
	if err != nil || p.DeletionTimestamp == nil {
		return time.Time{}, false, err
	}
	grace := int64(0)
	if p.DeletionGracePeriodSeconds != nil {
		grace = *p.DeletionGracePeriodSeconds
	}
	return p.DeletionTimestamp.Add(-time.Duration(grace) * time.Second), true, nil
}

func taint(n *corev1.Node, key string, eff corev1.TaintEffect) *corev1.Taint {
	for i := range n.Spec.Taints {
		if n.Spec.Taints[i].Key == key && n.Spec.Taints[i].Effect == eff {
			return &n.Spec.Taints[i]
		}
	}
	return nil
}

// watchNeverTainted fails the test at cleanup if node ever gets a managed taint or leaves Ready.
func watchNeverTainted(t *testing.T, ctx context.Context, cs kubernetes.Interface, node string) func() {
	t.Helper()
	w, err := cs.CoreV1().Nodes().Watch(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var bad atomic.Value
	go func() {
		for ev := range w.ResultChan() {
			n, ok := ev.Object.(*corev1.Node)
			if !ok || n.Name != node || ev.Type == watch.Deleted {
				continue
			}
			if taint(n, corev1.TaintNodeUnreachable, corev1.TaintEffectNoExecute) != nil || taint(n, corev1.TaintNodeUnreachable, corev1.TaintEffectNoSchedule) != nil {
				bad.Store("got unreachable taint")
			}
		}
	}()
	return func() {
		w.Stop()
		if v := bad.Load(); v != nil {
			t.Errorf("node %s flapped: %s", node, v)
		}
	}
}

func TestNodeLifecycle(t *testing.T) {
	e := controllertest.Start(t, "")
	cs, ctx := e.Client, e.Ctx
	dead := startAgent(t, ctx, cs, "dead")
	flaky := startAgent(t, ctx, cs, "flaky")
	checkFlaky := watchNeverTainted(t, ctx, cs, "flaky")

	c := nodelifecycle.New(cs, e.Informers, e.Recorder, clock.RealClock{}, e.Log,
		nodelifecycle.Config{GracePeriod: 3 * time.Second, MonitorPeriod: 200 * time.Millisecond})
	e.Run(func(ctx context.Context) error { return c.Run(ctx, 2) })

	two := int64(2)
	podOn(t, cs, "no-toleration", "dead")
	podOn(t, cs, "tolerates-2s", "dead", unreachableFor(&two))
	podOn(t, cs, "tolerates-forever", "dead", unreachableFor(nil))
	podOn(t, cs, "on-flaky", "flaky")

	// flaky misses renewals for 1.5 s (less than the 3 s grace) while dead stops for good.
	flaky.paused.Store(true)
	dead.paused.Store(true)
	time.Sleep(1500 * time.Millisecond)
	flaky.paused.Store(false)

	var added time.Time
	controllertest.Eventually(t, "dead node Unknown and tainted unreachable", func(ctx context.Context) (bool, error) {
		n, err := cs.CoreV1().Nodes().Get(ctx, "dead", metav1.GetOptions{})
		if err != nil {
			return false, err
		}
		tn := taint(n, corev1.TaintNodeUnreachable, corev1.TaintEffectNoExecute)
		if tn == nil || taint(n, corev1.TaintNodeUnreachable, corev1.TaintEffectNoSchedule) == nil {
			return false, nil
		}
		added = tn.TimeAdded.Time
		ready := n.Status.Conditions[0]
		return ready.Status == corev1.ConditionUnknown && ready.Reason == "NodeStatusUnknown", nil
	})
	controllertest.Eventually(t, "untolerating pod evicted", func(ctx context.Context) (bool, error) {
		_, marked, err := deletedAt(ctx, cs, "no-toleration")
		return marked, err
	})
	var evicted time.Time
	controllertest.Eventually(t, "pod tolerating 2s evicted", func(ctx context.Context) (bool, error) {
		at, marked, err := deletedAt(ctx, cs, "tolerates-2s")
		evicted = at
		return marked, err
	})
	if !evicted.IsZero() && evicted.Before(added.Add(time.Second)) {
		t.Errorf("pod tolerating 2s evicted at %v, taint added at %v", evicted, added)
	}
	for _, name := range []string{"tolerates-forever", "on-flaky"} {
		if _, marked, err := deletedAt(ctx, cs, name); err != nil || marked {
			t.Errorf("pod %s: marked for deletion=%v err=%v, want kept", name, marked, err)
		}
	}

	dead.paused.Store(false)
	dead.postReady(t, ctx)
	controllertest.Eventually(t, "recovered node untainted", func(ctx context.Context) (bool, error) {
		n, err := cs.CoreV1().Nodes().Get(ctx, "dead", metav1.GetOptions{})
		return err == nil && len(n.Spec.Taints) == 0, err
	})
	checkFlaky()
}
