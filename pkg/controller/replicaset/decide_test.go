package replicaset

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
)

var t0 = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// pod builds a test pod; opts tweak it.
func pod(name string, opts ...func(*corev1.Pod)) *corev1.Pod {
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "ns", UID: types.UID(name),
		Labels: map[string]string{"app": "a"}, CreationTimestamp: metav1.NewTime(t0)}}
	for _, o := range opts {
		o(p)
	}
	return p
}

func onNode(n string) func(*corev1.Pod) { return func(p *corev1.Pod) { p.Spec.NodeName = n } }
func phase(ph corev1.PodPhase) func(*corev1.Pod) {
	return func(p *corev1.Pod) { p.Status.Phase = ph }
}
func readyAt(t time.Time) func(*corev1.Pod) {
	return func(p *corev1.Pod) {
		p.Status.Phase = corev1.PodRunning
		p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue, LastTransitionTime: metav1.NewTime(t)}}
	}
}
func created(t time.Time) func(*corev1.Pod) {
	return func(p *corev1.Pod) { p.CreationTimestamp = metav1.NewTime(t) }
}
func restarted(n int32) func(*corev1.Pod) {
	return func(p *corev1.Pod) { p.Status.ContainerStatuses = []corev1.ContainerStatus{{RestartCount: n}} }
}
func cost(c string) func(*corev1.Pod) {
	return func(p *corev1.Pod) { p.Annotations = map[string]string{deletionCostAnnotation: c} }
}

func names(pods []*corev1.Pod) []string {
	var out []string
	for _, p := range pods {
		out = append(out, p.Name)
	}
	return out
}

func TestRankForDeletion(t *testing.T) {
	tests := []struct {
		name string
		pods []*corev1.Pod
		want []string
	}{
		{"unscheduled first", []*corev1.Pod{pod("sched", onNode("n1")), pod("unsched")}, []string{"unsched", "sched"}},
		{"pending before unknown before running", []*corev1.Pod{
			pod("run", onNode("n"), phase(corev1.PodRunning)), pod("unk", onNode("n"), phase(corev1.PodUnknown)), pod("pend", onNode("n"), phase(corev1.PodPending))},
			[]string{"pend", "unk", "run"}},
		{"not ready before ready", []*corev1.Pod{pod("ready", onNode("n"), readyAt(t0)), pod("notready", onNode("n"), phase(corev1.PodRunning))},
			[]string{"notready", "ready"}},
		{"lower deletion cost first", []*corev1.Pod{pod("high", onNode("n"), readyAt(t0), cost("10")), pod("low", onNode("n"), readyAt(t0), cost("-5"))},
			[]string{"low", "high"}},
		{"crowded node first", []*corev1.Pod{pod("alone", onNode("a"), readyAt(t0)), pod("c1", onNode("b"), readyAt(t0)), pod("c2", onNode("b"), readyAt(t0), created(t0.Add(time.Second)))},
			[]string{"c2", "c1", "alone"}},
		{"recently ready first", []*corev1.Pod{pod("old", onNode("n"), readyAt(t0)), pod("recent", onNode("n"), readyAt(t0.Add(time.Hour)))},
			[]string{"recent", "old"}},
		{"more restarts first", []*corev1.Pod{pod("few", onNode("n"), readyAt(t0), restarted(1)), pod("many", onNode("n"), readyAt(t0), restarted(7))},
			[]string{"many", "few"}},
		{"newest first", []*corev1.Pod{pod("older"), pod("newer", created(t0.Add(time.Minute))), pod("middle", created(t0.Add(time.Second)))},
			[]string{"newer", "middle", "older"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, names(rankForDeletion(tt.pods))); diff != "" {
				t.Errorf("order (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecide(t *testing.T) {
	three := []*corev1.Pod{pod("a", onNode("n"), readyAt(t0)), pod("b"), pod("c", onNode("n"))}
	tests := []struct {
		name       string
		want       int
		owned      []*corev1.Pod
		burst      int
		wantCreate int
		wantDelete []string
	}{
		{"in sync", 3, three, 500, 0, nil},
		{"scale up", 5, three, 500, 2, nil},
		{"scale up capped by burst", 10, three, 4, 4, nil},
		{"scale down picks worst", 1, three, 500, 0, []string{"b", "c"}},
		{"scale to zero", 0, three, 500, 0, []string{"b", "c", "a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := decide(tt.want, tt.owned, tt.burst)
			if p.create != tt.wantCreate {
				t.Errorf("create = %d, want %d", p.create, tt.wantCreate)
			}
			if diff := cmp.Diff(tt.wantDelete, names(p.delete)); diff != "" {
				t.Errorf("delete (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSlowStartBatches(t *testing.T) {
	tests := []struct {
		n    int
		want []int
	}{{0, nil}, {1, []int{1}}, {3, []int{1, 2}}, {10, []int{1, 2, 4, 3}}, {15, []int{1, 2, 4, 8}}}
	for _, tt := range tests {
		t.Run("", func(t *testing.T) {
			if diff := cmp.Diff(tt.want, slowStartBatches(tt.n)); diff != "" {
				t.Errorf("slowStartBatches(%d) (-want +got):\n%s", tt.n, diff)
			}
		})
	}
}

func TestClassify(t *testing.T) {
	rs := &appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{Name: "rs", UID: "rs-uid"}}
	owned := func(uid types.UID) func(*corev1.Pod) {
		return func(p *corev1.Pod) {
			p.OwnerReferences = []metav1.OwnerReference{{Kind: "ReplicaSet", Name: "x", UID: uid, Controller: ptr.To(true)}}
		}
	}
	relabel := func(p *corev1.Pod) { p.Labels = map[string]string{"app": "other"} }
	deleting := func(p *corev1.Pod) { p.DeletionTimestamp = ptr.To(metav1.NewTime(t0)) }
	sel := labels.SelectorFromSet(labels.Set{"app": "a"})
	tests := []struct {
		name string
		pod  *corev1.Pod
		want claimAction
	}{
		{"ours matching", pod("p", owned("rs-uid")), claimKeep},
		{"ours not matching", pod("p", owned("rs-uid"), relabel), claimRelease},
		{"ours not matching deleting", pod("p", owned("rs-uid"), relabel, deleting), claimIgnore},
		{"other owner", pod("p", owned("other")), claimIgnore},
		{"orphan matching", pod("p"), claimAdopt},
		{"orphan matching deleting", pod("p", deleting), claimIgnore},
		{"orphan not matching", pod("p", relabel), claimIgnore},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := classify(rs, sel, tt.pod); got != tt.want {
				t.Errorf("classify = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestComputeStatus(t *testing.T) {
	now := metav1.NewTime(t0.Add(time.Minute))
	rs := &appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{Generation: 4}, Spec: appsv1.ReplicaSetSpec{
		MinReadySeconds: 30, Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "a", "tier": "web"}}}}}
	full := func(p *corev1.Pod) { p.Labels = map[string]string{"app": "a", "tier": "web"} }
	pods := []*corev1.Pod{
		pod("avail", full, readyAt(t0)),                         // ready 60s > 30s
		pod("justready", full, readyAt(t0.Add(50*time.Second))), // ready 10s
		pod("partial", readyAt(t0)),                             // not fully labeled
		pod("pending"),
	}
	failed := metav1.NewTime(t0)
	tests := []struct {
		name  string
		conds []appsv1.ReplicaSetCondition
		merr  *manageError
		want  appsv1.ReplicaSetStatus
	}{
		{"counts", nil, nil, appsv1.ReplicaSetStatus{Replicas: 4, FullyLabeledReplicas: 2, ReadyReplicas: 3, AvailableReplicas: 2, ObservedGeneration: 4}},
		{"failure sets condition", nil, &manageError{reason: "FailedCreate", err: errors.New("quota")},
			appsv1.ReplicaSetStatus{Replicas: 4, FullyLabeledReplicas: 2, ReadyReplicas: 3, AvailableReplicas: 2, ObservedGeneration: 4,
				Conditions: []appsv1.ReplicaSetCondition{{Type: appsv1.ReplicaSetReplicaFailure, Status: corev1.ConditionTrue, LastTransitionTime: now, Reason: "FailedCreate", Message: "quota"}}}},
		{"success clears condition", []appsv1.ReplicaSetCondition{{Type: appsv1.ReplicaSetReplicaFailure, Status: corev1.ConditionTrue, LastTransitionTime: failed}}, nil,
			appsv1.ReplicaSetStatus{Replicas: 4, FullyLabeledReplicas: 2, ReadyReplicas: 3, AvailableReplicas: 2, ObservedGeneration: 4, Conditions: []appsv1.ReplicaSetCondition{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := rs.DeepCopy()
			r.Status.Conditions = tt.conds
			if diff := cmp.Diff(tt.want, computeStatus(r, pods, tt.merr, now)); diff != "" {
				t.Errorf("status (-want +got):\n%s", diff)
			}
		})
	}
}
