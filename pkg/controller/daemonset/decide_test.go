package daemonset

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
)

func node(name string, labels map[string]string, taints ...corev1.Taint) *corev1.Node {
	return &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}, Spec: corev1.NodeSpec{Taints: taints}}
}

func TestEvaluate(t *testing.T) {
	taint := func(key string, effect corev1.TaintEffect) corev1.Taint {
		return corev1.Taint{Key: key, Effect: effect}
	}
	affinity := &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{
		NodeSelectorTerms: []corev1.NodeSelectorTerm{{MatchExpressions: []corev1.NodeSelectorRequirement{{Key: "zone", Operator: corev1.NodeSelectorOpIn, Values: []string{"a"}}}}}}}}
	for _, tc := range []struct {
		name string
		spec corev1.PodSpec
		node *corev1.Node
		want eligibility
	}{
		{"plain node", corev1.PodSpec{}, node("n", nil), eligibility{true, true}},
		{"selector matches", corev1.PodSpec{NodeSelector: map[string]string{"disk": "ssd"}}, node("n", map[string]string{"disk": "ssd"}), eligibility{true, true}},
		{"selector mismatch", corev1.PodSpec{NodeSelector: map[string]string{"disk": "ssd"}}, node("n", nil), eligibility{}},
		{"affinity mismatch", corev1.PodSpec{Affinity: affinity}, node("n", map[string]string{"zone": "b"}), eligibility{}},
		{"affinity match", corev1.PodSpec{Affinity: affinity}, node("n", map[string]string{"zone": "a"}), eligibility{true, true}},
		{"NoSchedule taint", corev1.PodSpec{}, node("n", nil, taint("dedicated", corev1.TaintEffectNoSchedule)), eligibility{false, true}},
		{"NoExecute taint", corev1.PodSpec{}, node("n", nil, taint("dedicated", corev1.TaintEffectNoExecute)), eligibility{}},
		{"tolerated taint", corev1.PodSpec{Tolerations: []corev1.Toleration{{Key: "dedicated", Operator: corev1.TolerationOpExists}}},
			node("n", nil, taint("dedicated", corev1.TaintEffectNoSchedule)), eligibility{true, true}},
		{"PreferNoSchedule ignored", corev1.PodSpec{}, node("n", nil, taint("x", corev1.TaintEffectPreferNoSchedule)), eligibility{true, true}},
		{"not-ready tolerated", corev1.PodSpec{}, node("n", nil, taint(corev1.TaintNodeNotReady, corev1.TaintEffectNoExecute)), eligibility{true, true}},
		{"unschedulable tolerated", corev1.PodSpec{}, node("n", nil, taint(corev1.TaintNodeUnschedulable, corev1.TaintEffectNoSchedule)), eligibility{true, true}},
		{"network-unavailable blocks", corev1.PodSpec{}, node("n", nil, taint(corev1.TaintNodeNetworkUnavailable, corev1.TaintEffectNoSchedule)), eligibility{false, true}},
		{"network-unavailable hostNetwork", corev1.PodSpec{HostNetwork: true}, node("n", nil, taint(corev1.TaintNodeNetworkUnavailable, corev1.TaintEffectNoSchedule)), eligibility{true, true}},
		{"nodeName elsewhere", corev1.PodSpec{NodeName: "other"}, node("n", nil), eligibility{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := evaluate(&tc.spec, tc.node); got != tc.want {
				t.Errorf("evaluate = %+v, want %+v", got, tc.want)
			}
		})
	}
}

var t0 = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

func dpod(name, node, hash string, ready bool) *corev1.Pod {
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{appsv1.DefaultDaemonSetUniqueLabelKey: hash}}}
	pinToNode(&p.Spec, node)
	if ready {
		p.Status.Phase = corev1.PodRunning
		p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue, LastTransitionTime: metav1.Time{Time: t0}}}
	}
	return p
}

func TestDecide(t *testing.T) {
	three := []*corev1.Node{node("a", nil), node("b", nil), node("c", nil)}
	ds := func(ru *appsv1.RollingUpdateDaemonSet) *appsv1.DaemonSet {
		return &appsv1.DaemonSet{Spec: appsv1.DaemonSetSpec{UpdateStrategy: appsv1.DaemonSetUpdateStrategy{
			Type: appsv1.RollingUpdateDaemonSetStrategyType, RollingUpdate: ru}}}
	}
	unavail := func(n int) *appsv1.RollingUpdateDaemonSet {
		return &appsv1.RollingUpdateDaemonSet{MaxUnavailable: ptr.To(intstr.FromInt32(int32(n)))}
	}
	surge := &appsv1.RollingUpdateDaemonSet{MaxUnavailable: ptr.To(intstr.FromInt32(0)), MaxSurge: ptr.To(intstr.FromInt32(1))}
	failed := dpod("pf", "b", "new", false)
	failed.Status.Phase = corev1.PodFailed
	for _, tc := range []struct {
		name       string
		ds         *appsv1.DaemonSet
		nodes      []*corev1.Node
		pods       []*corev1.Pod
		wantCreate []string
		wantDelete []string
	}{
		{"one pod per node", ds(nil), three, []*corev1.Pod{dpod("pa", "a", "new", true)}, []string{"b", "c"}, nil},
		{"pod on vanished node deleted", ds(nil), three[:1], []*corev1.Pod{dpod("pa", "a", "new", true), dpod("px", "x", "new", true)}, nil, []string{"px"}},
		{"failed pod deleted", ds(nil), three[:2], []*corev1.Pod{dpod("pa", "a", "new", true), failed}, []string{"b"}, []string{"pf"}},
		{"misscheduled deleted", ds(nil), []*corev1.Node{node("a", nil, corev1.Taint{Key: "k", Effect: corev1.TaintEffectNoExecute})},
			[]*corev1.Pod{dpod("pa", "a", "new", true)}, nil, []string{"pa"}},
		{"duplicates removed", ds(nil), three[:1], []*corev1.Pod{dpod("p1", "a", "new", true), dpod("p2", "a", "new", true)}, nil, []string{"p2"}},
		{"rolling update maxUnavailable 1", ds(nil), three,
			[]*corev1.Pod{dpod("pa", "a", "old", true), dpod("pb", "b", "old", true), dpod("pc", "c", "old", true)}, nil, []string{"pa"}},
		{"rolling update maxUnavailable 2", ds(unavail(2)), three,
			[]*corev1.Pod{dpod("pa", "a", "old", true), dpod("pb", "b", "old", true), dpod("pc", "c", "old", true)}, nil, []string{"pa", "pb"}},
		{"rolling update waits for unavailable", ds(nil), three,
			[]*corev1.Pod{dpod("pa", "a", "new", false), dpod("pb", "b", "old", true), dpod("pc", "c", "old", true)}, nil, nil},
		{"unavailable old pod replaced freely", ds(nil), three,
			[]*corev1.Pod{dpod("pa", "a", "new", false), dpod("pb", "b", "old", false), dpod("pc", "c", "old", true)}, nil, []string{"pb"}},
		{"surge starts new beside old", ds(surge), three,
			[]*corev1.Pod{dpod("pa", "a", "old", true), dpod("pb", "b", "old", true), dpod("pc", "c", "old", true)}, []string{"a"}, nil},
		{"surge deletes old once new available", ds(surge), three,
			[]*corev1.Pod{dpod("pa", "a", "old", true), dpod("na", "a", "new", true), dpod("pb", "b", "old", true), dpod("pc", "c", "old", true)}, nil, []string{"pa"}},
		{"surge waits for new pod", ds(surge), three,
			[]*corev1.Pod{dpod("pa", "a", "old", true), dpod("na", "a", "new", false), dpod("pb", "b", "old", true), dpod("pc", "c", "old", true)}, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := decide(input{ds: tc.ds, nodes: tc.nodes, pods: tc.pods, hash: "new", now: t0})
			var del []string
			for _, d := range p.delete {
				del = append(del, d.Name)
			}
			if diff := cmp.Diff(tc.wantCreate, p.create, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("create (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantDelete, del, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("delete (-want +got):\n%s", diff)
			}
		})
	}
}

func TestComputeStatus(t *testing.T) {
	ds := &appsv1.DaemonSet{ObjectMeta: metav1.ObjectMeta{Generation: 3}}
	nodes := []*corev1.Node{node("a", nil), node("b", nil), node("c", nil, corev1.Taint{Key: "k", Effect: corev1.TaintEffectNoSchedule})}
	pods := []*corev1.Pod{dpod("pa", "a", "new", true), dpod("pb", "b", "old", false), dpod("pc", "c", "new", true)}
	got := computeStatus(input{ds: ds, nodes: nodes, pods: pods, hash: "new", now: t0})
	want := appsv1.DaemonSetStatus{ObservedGeneration: 3, DesiredNumberScheduled: 2, CurrentNumberScheduled: 2, NumberMisscheduled: 1,
		NumberReady: 1, NumberAvailable: 1, UpdatedNumberScheduled: 1, NumberUnavailable: 1}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("status (-want +got):\n%s", diff)
	}
}
