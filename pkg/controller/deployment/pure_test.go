package deployment

import (
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
)

var t0 = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

func deploy(n int32, surge, unavail string) *appsv1.Deployment {
	d := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "d", Generation: 1}, Spec: appsv1.DeploymentSpec{Replicas: ptr.To(n)}}
	d.Spec.Strategy.RollingUpdate = &appsv1.RollingUpdateDeployment{MaxSurge: ptr.To(intstr.Parse(surge)), MaxUnavailable: ptr.To(intstr.Parse(unavail))}
	return d
}

// rs builds a ReplicaSet created age seconds after t0, with spec and available replicas and
// the max-replicas annotation when maxAnn > 0.
func rs(name string, age int, spec, avail, maxAnn int32) *appsv1.ReplicaSet {
	r := &appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{Name: name, UID: types.UID(name), CreationTimestamp: metav1.NewTime(t0.Add(time.Duration(age) * time.Second))},
		Spec: appsv1.ReplicaSetSpec{Replicas: ptr.To(spec)}, Status: appsv1.ReplicaSetStatus{Replicas: spec, AvailableReplicas: avail}}
	if maxAnn > 0 {
		r.Annotations = map[string]string{maxReplicasAnnotation: strconv.Itoa(int(maxAnn))}
	}
	return r
}

// stale makes rs report n replicas, all available, as before a scale-down was observed.
func stale(r *appsv1.ReplicaSet, n int32) *appsv1.ReplicaSet {
	r.Status.Replicas, r.Status.AvailableReplicas = n, n
	return r
}

func sizes(rs []resize) map[string]int32 {
	out := map[string]int32{}
	for _, r := range rs {
		out[r.rs.Name] = r.to
	}
	return out
}

func TestResolveFenceposts(t *testing.T) {
	tests := []struct {
		surge, unavail       string
		desired              int32
		wantSurge, wantUnavl int32
	}{
		{"25%", "25%", 10, 3, 2},
		{"25%", "25%", 1, 1, 0},
		{"0", "0", 5, 0, 1},
		{"0%", "0%", 5, 0, 1},
		{"2", "1", 5, 2, 1},
		{"50%", "50%", 3, 2, 1},
		{"100%", "0", 4, 4, 0},
	}
	for _, tt := range tests {
		t.Run(tt.surge+"/"+tt.unavail+"/"+strconv.Itoa(int(tt.desired)), func(t *testing.T) {
			s, u, err := resolveFenceposts(ptr.To(intstr.Parse(tt.surge)), ptr.To(intstr.Parse(tt.unavail)), tt.desired)
			if err != nil || s != tt.wantSurge || u != tt.wantUnavl {
				t.Errorf("got (%d, %d, %v), want (%d, %d)", s, u, err, tt.wantSurge, tt.wantUnavl)
			}
		})
	}
	if s, u, _ := resolveFenceposts(nil, nil, 4); s != 1 || u != 1 {
		t.Errorf("defaults for 4: (%d, %d), want (1, 1)", s, u)
	}
}

func TestMaxUnavailableCapped(t *testing.T) {
	if got := maxUnavailable(deploy(2, "0", "5")); got != 2 {
		t.Errorf("maxUnavailable = %d, want 2", got)
	}
	d := deploy(2, "0", "5")
	d.Spec.Strategy.Type = appsv1.RecreateDeploymentStrategyType
	if got, s := maxUnavailable(d), maxSurge(d); got != 0 || s != 0 {
		t.Errorf("recreate fenceposts = (%d, %d), want 0", got, s)
	}
}

func TestRollingSteps(t *testing.T) {
	tests := []struct {
		name      string
		d         *appsv1.Deployment
		newRS     *appsv1.ReplicaSet
		old       []*appsv1.ReplicaSet
		wantNew   int32
		wantDowns map[string]int32
	}{
		{"surge first", deploy(4, "1", "1"), rs("new", 10, 0, 0, 0), []*appsv1.ReplicaSet{rs("old", 0, 4, 4, 0)}, 1, map[string]int32{"old": 3}},
		{"surge exhausted waits", deploy(4, "1", "0"), rs("new", 10, 1, 0, 0), []*appsv1.ReplicaSet{rs("old", 0, 4, 4, 0)}, 1, map[string]int32{}},
		{"new available lets old shrink", deploy(4, "1", "0"), rs("new", 10, 1, 1, 0), []*appsv1.ReplicaSet{rs("old", 0, 4, 4, 0)}, 1, map[string]int32{"old": 3}},
		{"unhealthy old cleaned first", deploy(4, "0", "1"), rs("new", 10, 0, 0, 0),
			[]*appsv1.ReplicaSet{rs("oldest", 0, 2, 0, 0), rs("old", 5, 2, 2, 0)}, 0, map[string]int32{"oldest": 1}},
		{"too big new shrinks", deploy(2, "1", "1"), rs("new", 10, 5, 5, 0), nil, 2, map[string]int32{}},
		{"stale old status does not over-shrink", deploy(4, "1", "1"), rs("new", 10, 1, 1, 0), []*appsv1.ReplicaSet{stale(rs("old", 0, 3, 3, 0), 4)}, 1, map[string]int32{"old": 2}},
		{"not below min available", deploy(10, "3", "2"), rs("new", 10, 3, 0, 0), []*appsv1.ReplicaSet{rs("old", 0, 10, 10, 0)}, 3, map[string]int32{"old": 8}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			all := append([]*appsv1.ReplicaSet{tt.newRS}, tt.old...)
			if got := newRSTarget(tt.d, all, tt.newRS); got != tt.wantNew {
				t.Errorf("newRSTarget = %d, want %d", got, tt.wantNew)
			}
			if diff := cmp.Diff(tt.wantDowns, sizes(oldScaleDowns(tt.d, tt.newRS, tt.old))); diff != "" {
				t.Errorf("oldScaleDowns (-want +got):\n%s", diff)
			}
		})
	}
}

func TestScaleTargets(t *testing.T) {
	tests := []struct {
		name  string
		d     *appsv1.Deployment
		newRS *appsv1.ReplicaSet
		old   []*appsv1.ReplicaSet
		want  map[string]int32
	}{
		{"single active takes all", deploy(7, "1", "1"), rs("new", 10, 3, 3, 4), []*appsv1.ReplicaSet{rs("old", 0, 0, 0, 4)}, map[string]int32{"new": 7}},
		{"none active: new", deploy(2, "1", "1"), rs("new", 10, 0, 0, 0), []*appsv1.ReplicaSet{rs("old", 0, 0, 0, 0)}, map[string]int32{"new": 2}},
		{"unchanged", deploy(3, "1", "1"), rs("new", 10, 3, 3, 4), nil, map[string]int32{}},
		// 10 replicas, surge 3: max 13; scaled to 20 (surge 5): max 25, so x25/13.
		{"proportional up", deploy(20, "5", "0"), rs("new", 10, 5, 0, 13), []*appsv1.ReplicaSet{rs("old", 0, 8, 8, 13)},
			map[string]int32{"new": 10, "old": 15}},
		{"proportional down", deploy(5, "1", "0"), rs("new", 10, 5, 0, 13), []*appsv1.ReplicaSet{rs("old", 0, 8, 8, 13)},
			map[string]int32{"new": 2, "old": 4}},
		{"to zero", deploy(0, "1", "0"), rs("new", 10, 5, 0, 13), []*appsv1.ReplicaSet{rs("old", 0, 8, 8, 13)},
			map[string]int32{"new": 0, "old": 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, sizes(scaleTargets(tt.d, tt.newRS, tt.old))); diff != "" {
				t.Errorf("scaleTargets (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTemplateHash(t *testing.T) {
	a := corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "a"}},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "img:1"}}}}
	b := *a.DeepCopy()
	b.Spec.Containers[0].Image = "img:2"
	h := templateHash(&a, nil)
	tests := []struct {
		name  string
		got   string
		equal bool
	}{
		{"deterministic", templateHash(a.DeepCopy(), nil), true},
		{"template change", templateHash(&b, nil), false},
		{"collision count", templateHash(&a, ptr.To(int32(1))), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if (tt.got == h) != tt.equal {
				t.Errorf("hash %q vs %q, want equal=%v", tt.got, h, tt.equal)
			}
		})
	}
	for _, r := range h {
		if r == 'a' || r == 'e' || r == 'i' || r == 'o' || r == 'u' {
			t.Errorf("hash %q has vowels", h)
		}
	}
}

func TestSetNewRSAnnotations(t *testing.T) {
	d := deploy(3, "1", "1")
	d.Annotations = map[string]string{"team": "x", revisionAnnotation: "9", corev1.LastAppliedConfigAnnotation: "{}"}
	tests := []struct {
		name   string
		ann    map[string]string
		exists bool
		want   map[string]string
	}{
		{"new", nil, false, map[string]string{"team": "x", revisionAnnotation: "4", desiredReplicasAnnotation: "3", maxReplicasAnnotation: "4"}},
		{"rollback keeps history", map[string]string{revisionAnnotation: "2", revisionHistoryAnnotation: "1"}, true,
			map[string]string{"team": "x", revisionAnnotation: "4", revisionHistoryAnnotation: "1,2"}},
		{"current", map[string]string{revisionAnnotation: "4", "team": "x"}, true, map[string]string{"team": "x", revisionAnnotation: "4"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{Annotations: tt.ann}}
			setNewRSAnnotations(d, r, 4, tt.exists)
			if diff := cmp.Diff(tt.want, r.Annotations); diff != "" {
				t.Errorf("annotations (-want +got):\n%s", diff)
			}
		})
	}
}

func TestToCleanUp(t *testing.T) {
	withRev := func(r *appsv1.ReplicaSet, rev string) *appsv1.ReplicaSet {
		r.Annotations = map[string]string{revisionAnnotation: rev}
		return r
	}
	old := []*appsv1.ReplicaSet{withRev(rs("r3", 3, 0, 0, 0), "3"), withRev(rs("r1", 1, 0, 0, 0), "1"), withRev(rs("r2", 2, 1, 1, 0), "2"), withRev(rs("r4", 4, 0, 0, 0), "4")}
	d := deploy(1, "1", "1")
	d.Spec.RevisionHistoryLimit = ptr.To(int32(1))
	var got []string
	for _, r := range toCleanUp(d, old) {
		got = append(got, r.Name)
	}
	if diff := cmp.Diff([]string{"r1", "r3"}, got); diff != "" { // r2 still has replicas
		t.Errorf("toCleanUp (-want +got):\n%s", diff)
	}
}

func TestRolloutStatusConditions(t *testing.T) {
	now := metav1.NewTime(t0.Add(time.Hour))
	long := metav1.NewTime(t0)
	progressingSince := func(reason string, at metav1.Time) []appsv1.DeploymentCondition {
		return []appsv1.DeploymentCondition{{Type: appsv1.DeploymentProgressing, Status: corev1.ConditionTrue, Reason: reason, LastUpdateTime: at, LastTransitionTime: at}}
	}
	tests := []struct {
		name          string
		conds         []appsv1.DeploymentCondition
		oldStatus     appsv1.DeploymentStatus
		newRS         *appsv1.ReplicaSet
		old           []*appsv1.ReplicaSet
		wantProgress  string
		wantAvailable string
	}{
		{"complete", progressingSince(reasonRSUpdated, long), appsv1.DeploymentStatus{}, rs("new", 1, 4, 4, 0), nil, reasonNewRSAvailable, reasonMinAvailable},
		{"progressing", progressingSince(reasonNewRSCreated, long), appsv1.DeploymentStatus{}, rs("new", 1, 2, 1, 0), []*appsv1.ReplicaSet{rs("old", 0, 2, 2, 0)},
			reasonRSUpdated, reasonMinAvailable},
		{"timed out", progressingSince(reasonRSUpdated, long), appsv1.DeploymentStatus{Replicas: 3, UpdatedReplicas: 1, AvailableReplicas: 2},
			rs("new", 1, 1, 0, 0), []*appsv1.ReplicaSet{rs("old", 0, 2, 2, 0)}, reasonTimedOut, reasonMinUnavailable},
		{"within deadline", progressingSince(reasonRSUpdated, metav1.NewTime(now.Add(-time.Second))), appsv1.DeploymentStatus{Replicas: 4, UpdatedReplicas: 1, AvailableReplicas: 3},
			rs("new", 1, 1, 0, 0), []*appsv1.ReplicaSet{rs("old", 0, 3, 3, 0)}, reasonRSUpdated, reasonMinAvailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := deploy(4, "1", "1")
			d.Spec.ProgressDeadlineSeconds = ptr.To(int32(600))
			d.Status = tt.oldStatus
			d.Status.Conditions = tt.conds
			st := rolloutStatus(d, append([]*appsv1.ReplicaSet{tt.newRS}, tt.old...), tt.newRS, now)
			got := map[appsv1.DeploymentConditionType]string{}
			for _, c := range st.Conditions {
				got[c.Type] = c.Reason
			}
			want := map[appsv1.DeploymentConditionType]string{appsv1.DeploymentProgressing: tt.wantProgress, appsv1.DeploymentAvailable: tt.wantAvailable}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("conditions (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPausedCondition(t *testing.T) {
	now := metav1.NewTime(t0)
	tests := []struct {
		name   string
		paused bool
		reason string
		want   string
	}{
		{"pause", true, reasonRSUpdated, reasonPaused},
		{"still paused", true, reasonPaused, ""},
		{"resume", false, reasonPaused, reasonResumed},
		{"running", false, reasonRSUpdated, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := deploy(1, "1", "1")
			d.Spec.Paused = tt.paused
			d.Spec.ProgressDeadlineSeconds = ptr.To(int32(600))
			d.Status.Conditions = []appsv1.DeploymentCondition{{Type: appsv1.DeploymentProgressing, Reason: tt.reason}}
			got := ""
			if c := pausedCondition(d, now); c != nil {
				got = c.Reason
			}
			if got != tt.want {
				t.Errorf("pausedCondition reason = %q, want %q", got, tt.want)
			}
		})
	}
}
