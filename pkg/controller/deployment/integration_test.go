package deployment_test

import (
	"fmt"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	deploymentutil "k8s.io/kubectl/pkg/util/deployment"
	"k8s.io/kubectl/pkg/util/podutils"
	"k8s.io/utils/ptr"
)

func setImage(image string) func(*appsv1.Deployment) {
	return func(d *appsv1.Deployment) { d.Spec.Template.Spec.Containers[0].Image = image }
}

func TestRollingUpdateBounds(t *testing.T) {
	e := start(t)
	d := newDeployment("web", 4, "img:1")
	d.Spec.Strategy.RollingUpdate = &appsv1.RollingUpdateDeployment{MaxSurge: ptr.To(intstr.FromInt32(1)), MaxUnavailable: ptr.To(intstr.FromInt32(1))}
	if _, err := e.Client.AppsV1().Deployments(e.NS).Create(e.Ctx, d, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	e.Eventually(t, "initial rollout", func() bool { return e.rolledOut(t, "web") })
	maxSeen, minReady := 0, 4
	stop := e.podWatch(t, func(pods map[string]*corev1.Pod) error {
		ready := 0
		for _, p := range pods {
			if podutils.IsPodReady(p) {
				ready++
			}
		}
		maxSeen, minReady = max(maxSeen, len(pods)), min(minReady, ready)
		if len(pods) > 5 || ready < 3 {
			return fmt.Errorf("bounds broken: %d pods, %d ready (want <= 5 pods, >= 3 ready)", len(pods), ready)
		}
		return nil
	})
	e.update(t, "web", setImage("img:2"))
	e.Eventually(t, "rollout of img:2", func() bool {
		return e.rolledOut(t, "web") && len(e.pods(t, "img:2")) == 4 && len(e.pods(t, "img:1")) == 0
	})
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if maxSeen != 5 {
		t.Errorf("max pods seen = %d, want the surge to be used (5)", maxSeen)
	}
	got := e.get(t, "web")
	if c := deploymentutil.GetDeploymentCondition(got.Status, appsv1.DeploymentProgressing); c == nil || c.Reason != "NewReplicaSetAvailable" {
		t.Errorf("Progressing = %+v, want %s", c, "NewReplicaSetAvailable")
	}
	if got.Annotations[deploymentutil.RevisionAnnotation] != "2" {
		t.Errorf("deployment revision = %q, want 2", got.Annotations[deploymentutil.RevisionAnnotation])
	}
}

// pods lists the pods running image.
func (e *env) pods(t *testing.T, image string) []corev1.Pod {
	t.Helper()
	list, err := e.Client.CoreV1().Pods(e.NS).List(e.Ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var out []corev1.Pod
	for _, p := range list.Items {
		if p.Spec.Containers[0].Image == image && p.DeletionTimestamp == nil {
			out = append(out, p)
		}
	}
	return out
}

func TestRecreate(t *testing.T) {
	e := start(t)
	d := newDeployment("db", 3, "img:1")
	d.Spec.Strategy.Type = appsv1.RecreateDeploymentStrategyType
	if _, err := e.Client.AppsV1().Deployments(e.NS).Create(e.Ctx, d, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	e.Eventually(t, "initial rollout", func() bool { return e.rolledOut(t, "db") })
	stop := e.podWatch(t, func(pods map[string]*corev1.Pod) error {
		var old, cur int
		for _, p := range pods {
			if p.Spec.Containers[0].Image == "img:1" {
				old++
			} else {
				cur++
			}
		}
		if old > 0 && cur > 0 {
			return fmt.Errorf("old and new pods together: %d old, %d new", old, cur)
		}
		return nil
	})
	e.update(t, "db", setImage("img:2"))
	e.Eventually(t, "rollout of img:2", func() bool { return e.rolledOut(t, "db") && len(e.pods(t, "img:2")) == 3 })
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}

// rsByRevision maps revision annotations to ReplicaSets.
func (e *env) rsByRevision(t *testing.T) map[string]appsv1.ReplicaSet {
	out := map[string]appsv1.ReplicaSet{}
	for _, rs := range e.replicaSets(t) {
		out[rs.Annotations[deploymentutil.RevisionAnnotation]] = rs
	}
	return out
}

func TestRollbackReusesOldReplicaSet(t *testing.T) {
	e := start(t)
	if _, err := e.Client.AppsV1().Deployments(e.NS).Create(e.Ctx, newDeployment("api", 2, "img:1"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	e.Eventually(t, "rollout 1", func() bool { return e.rolledOut(t, "api") })
	e.update(t, "api", setImage("img:2"))
	e.Eventually(t, "rollout 2", func() bool { return e.rolledOut(t, "api") && len(e.pods(t, "img:2")) == 2 })
	first := e.rsByRevision(t)["1"]
	// Undo as kubectl does: patch the old ReplicaSet's template (without the hash label) back.
	tmpl := first.Spec.Template.DeepCopy()
	delete(tmpl.Labels, appsv1.DefaultDeploymentUniqueLabelKey)
	e.update(t, "api", func(d *appsv1.Deployment) { d.Spec.Template = *tmpl })
	e.Eventually(t, "rollback", func() bool { return e.rolledOut(t, "api") && len(e.pods(t, "img:1")) == 2 })
	rss := e.rsByRevision(t)
	if len(e.replicaSets(t)) != 2 {
		t.Fatalf("%d replica sets, want the old one reused", len(e.replicaSets(t)))
	}
	back, ok := rss["3"]
	if !ok || back.UID != first.UID || back.Annotations[deploymentutil.RevisionHistoryAnnotation] != "1" || *back.Spec.Replicas != 2 {
		t.Errorf("revision 3 = %s (uid %s, history %q), want %s with history 1 and 2 replicas", back.Name, back.UID, back.Annotations[deploymentutil.RevisionHistoryAnnotation], first.Name)
	}
	if got := e.get(t, "api").Annotations[deploymentutil.RevisionAnnotation]; got != "3" {
		t.Errorf("deployment revision = %q, want 3", got)
	}
}

func TestPauseStopsRollout(t *testing.T) {
	e := start(t)
	if _, err := e.Client.AppsV1().Deployments(e.NS).Create(e.Ctx, newDeployment("web", 2, "img:1"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	e.Eventually(t, "rollout 1", func() bool { return e.rolledOut(t, "web") })
	e.update(t, "web", func(d *appsv1.Deployment) { d.Spec.Paused = true })
	e.update(t, "web", setImage("img:2"))
	e.update(t, "web", func(d *appsv1.Deployment) { d.Spec.Replicas = ptr.To(int32(3)) })
	e.Eventually(t, "paused scale observed", func() bool {
		d := e.get(t, "web")
		c := deploymentutil.GetDeploymentCondition(d.Status, appsv1.DeploymentProgressing)
		return d.Status.ObservedGeneration == d.Generation && c != nil && c.Reason == "DeploymentPaused" && d.Status.Replicas == 3
	})
	if n := len(e.replicaSets(t)); n != 1 {
		t.Fatalf("%d replica sets while paused, want 1", n)
	}
	if n := len(e.pods(t, "img:2")); n != 0 {
		t.Fatalf("%d new pods while paused", n)
	}
	e.update(t, "web", func(d *appsv1.Deployment) { d.Spec.Paused = false })
	e.Eventually(t, "rollout after resume", func() bool { return e.rolledOut(t, "web") && len(e.pods(t, "img:2")) == 3 })
}

func TestProgressDeadlineExceeded(t *testing.T) {
	e := start(t)
	d := newDeployment("slow", 2, "img:1")
	d.Spec.ProgressDeadlineSeconds = ptr.To(int32(2))
	d.Spec.Template.Labels[stuckLabel] = "true"
	if _, err := e.Client.AppsV1().Deployments(e.NS).Create(e.Ctx, d, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	e.Eventually(t, "ProgressDeadlineExceeded", func() bool {
		c := deploymentutil.GetDeploymentCondition(e.get(t, "slow").Status, appsv1.DeploymentProgressing)
		return c != nil && c.Status == corev1.ConditionFalse && c.Reason == "ProgressDeadlineExceeded"
	})
	got := e.get(t, "slow")
	if c := deploymentutil.GetDeploymentCondition(got.Status, appsv1.DeploymentAvailable); c == nil || c.Status != corev1.ConditionFalse {
		t.Errorf("Available = %+v, want False", c)
	}
}

func TestAdoptsOrphanReplicaSet(t *testing.T) {
	e := start(t)
	d := newDeployment("orph", 1, "img:1")
	created, err := e.Client.AppsV1().Deployments(e.NS).Create(e.Ctx, d, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	e.Eventually(t, "rollout", func() bool { return e.rolledOut(t, "orph") })
	rs := e.replicaSets(t)[0]
	patch := fmt.Sprintf(`{"metadata":{"ownerReferences":[{"$patch":"delete","uid":%q}]}}`, created.UID)
	// Orphan it; the controller adopts it back rather than creating another.
	if _, err := e.Client.AppsV1().ReplicaSets(e.NS).Patch(e.Ctx, rs.Name, types.StrategicMergePatchType, []byte(patch), metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	e.Eventually(t, "adoption", func() bool {
		r, err := e.Client.AppsV1().ReplicaSets(e.NS).Get(e.Ctx, rs.Name, metav1.GetOptions{})
		ref := metav1.GetControllerOf(r)
		return err == nil && ref != nil && ref.UID == created.UID
	})
	if n := len(e.replicaSets(t)); n != 1 {
		t.Errorf("%d replica sets, want 1", n)
	}
}
