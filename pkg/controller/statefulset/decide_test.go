package statefulset

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

func testSet(n int32, mutate ...func(*appsv1.StatefulSet)) *appsv1.StatefulSet {
	s := &appsv1.StatefulSet{ObjectMeta: metav1.ObjectMeta{Name: "web"}, Spec: appsv1.StatefulSetSpec{Replicas: ptr.To(n),
		UpdateStrategy: appsv1.StatefulSetUpdateStrategy{Type: appsv1.RollingUpdateStatefulSetStrategyType}}}
	for _, m := range mutate {
		m(s)
	}
	return s
}

// pod returns pod web-<ord> at revision rev; ready makes it Running and Ready.
func pod(ord int, rev string, ready bool) *corev1.Pod {
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("web-%d", ord),
		Labels: map[string]string{appsv1.ControllerRevisionHashLabelKey: rev}}, Status: corev1.PodStatus{Phase: corev1.PodPending}}
	if ready {
		p.Status.Phase = corev1.PodRunning
		p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue}}
	}
	return p
}

func TestDecide(t *testing.T) {
	parallel := func(s *appsv1.StatefulSet) { s.Spec.PodManagementPolicy = appsv1.ParallelPodManagement }
	part := func(n int32) func(*appsv1.StatefulSet) {
		return func(s *appsv1.StatefulSet) {
			s.Spec.UpdateStrategy.RollingUpdate = &appsv1.RollingUpdateStatefulSetStrategy{Partition: ptr.To(n)}
		}
	}
	onDelete := func(s *appsv1.StatefulSet) { s.Spec.UpdateStrategy.Type = appsv1.OnDeleteStatefulSetStrategyType }
	failed := pod(1, "a", false)
	failed.Status.Phase = corev1.PodFailed
	for _, tc := range []struct {
		name       string
		set        *appsv1.StatefulSet
		pods       []*corev1.Pod
		wantCreate []int
		wantDelete []string
	}{
		{"ordered creates first pod only", testSet(3), nil, []int{0}, nil},
		{"ordered waits for readiness", testSet(3), []*corev1.Pod{pod(0, "a", false)}, nil, nil},
		{"ordered creates next after ready", testSet(3), []*corev1.Pod{pod(0, "a", true)}, []int{1}, nil},
		{"parallel creates all", testSet(3, parallel), nil, []int{0, 1, 2}, nil},
		{"failed pod is replaced", testSet(2), []*corev1.Pod{pod(0, "a", true), failed}, nil, []string{"web-1"}},
		{"ordered scale down removes highest first", testSet(1), []*corev1.Pod{pod(0, "b", true), pod(1, "b", true), pod(2, "b", true)}, nil, []string{"web-2"}},
		{"ordered scale down removes unhealthy highest", testSet(1), []*corev1.Pod{pod(0, "b", true), pod(1, "b", true), pod(2, "b", false)}, nil, []string{"web-2"}},
		{"ordered scale down waits on lower unhealthy", testSet(1), []*corev1.Pod{pod(0, "b", true), pod(1, "b", false), pod(2, "b", true)}, nil, nil},
		{"parallel scale down removes all", testSet(1, parallel), []*corev1.Pod{pod(0, "b", true), pod(1, "b", true), pod(2, "b", false)}, nil, []string{"web-2", "web-1"}},
		{"rolling update replaces highest", testSet(3), []*corev1.Pod{pod(0, "a", true), pod(1, "a", true), pod(2, "a", true)}, nil, []string{"web-2"}},
		{"rolling update continues down", testSet(3), []*corev1.Pod{pod(0, "a", true), pod(1, "a", true), pod(2, "b", true)}, nil, []string{"web-1"}},
		{"rolling update waits for updated pod", testSet(3, parallel), []*corev1.Pod{pod(0, "a", true), pod(1, "a", true), pod(2, "b", false)}, nil, nil},
		{"partition stops update", testSet(3, part(2)), []*corev1.Pod{pod(0, "a", true), pod(1, "a", true), pod(2, "b", true)}, nil, nil},
		{"on delete leaves pods", testSet(2, onDelete), []*corev1.Pod{pod(0, "a", true), pod(1, "a", true)}, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := decide(input{set: tc.set, pods: tc.pods, currentRev: "a", nextRev: "b"})
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

func TestRevisionFor(t *testing.T) {
	set := testSet(4, func(s *appsv1.StatefulSet) {
		s.Spec.UpdateStrategy.RollingUpdate = &appsv1.RollingUpdateStatefulSetStrategy{Partition: ptr.To[int32](2)}
	})
	for ord, want := range []string{"a", "a", "b", "b"} {
		if got := revisionFor(set, ord, "a", "b"); got != want {
			t.Errorf("revisionFor(%d) = %q, want %q", ord, got, want)
		}
	}
}

func TestRevisionRoundTrip(t *testing.T) {
	set := testSet(1)
	set.Spec.Template.Labels = map[string]string{"app": "web"}
	set.Spec.Template.Spec.Containers = []corev1.Container{{Name: "c", Image: "img:1"}}
	data, err := revisionData(set)
	if err != nil {
		t.Fatal(err)
	}
	got, err := templateOf(newRevision(set, data, 1))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&set.Spec.Template, got); diff != "" {
		t.Errorf("template (-want +got):\n%s", diff)
	}
	if revisionHash(data, 0) == revisionHash(data, 1) {
		t.Error("collision count does not change the hash")
	}
}

func TestComputeStatusCompletesRollout(t *testing.T) {
	set := testSet(2)
	st := computeStatus(set, []*corev1.Pod{pod(0, "b", true), pod(1, "b", true)}, "a", "b", metav1.Now().Time)
	want := appsv1.StatefulSetStatus{Replicas: 2, ReadyReplicas: 2, AvailableReplicas: 2, UpdatedReplicas: 2, CurrentReplicas: 2, CurrentRevision: "b", UpdateRevision: "b"}
	if diff := cmp.Diff(want, st); diff != "" {
		t.Errorf("status (-want +got):\n%s", diff)
	}
}
