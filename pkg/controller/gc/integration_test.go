package gc_test

import (
	"context"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/metadata"
	"k8s.io/utils/clock"

	"skiff/pkg/controller/controllertest"
	"skiff/pkg/controller/gc"
)

const ns = "default"

func startGC(t *testing.T) kubernetes.Interface {
	t.Helper()
	e := controllertest.Start(t, "")
	md, err := metadata.NewForConfig(e.Server.Config)
	if err != nil {
		t.Fatal(err)
	}
	c := gc.New(e.Client, md, e.Recorder, clock.RealClock{}, e.Log)
	e.Run(func(ctx context.Context) error { return c.Run(ctx, 2) })
	return e.Client
}

func ownerRef(apiVersion, kind string, owner metav1.Object, block bool) metav1.OwnerReference {
	r := metav1.OwnerReference{APIVersion: apiVersion, Kind: kind, Name: owner.GetName(), UID: owner.GetUID()}
	if block {
		r.BlockOwnerDeletion = &block
	}
	return r
}

func cmRef(owner metav1.Object) metav1.OwnerReference {
	return ownerRef("v1", "ConfigMap", owner, false)
}

func mustCM(t *testing.T, cs kubernetes.Interface, name string, finalizers []string, refs ...metav1.OwnerReference) *corev1.ConfigMap {
	t.Helper()
	cm, err := cs.CoreV1().ConfigMaps(ns).Create(context.Background(), &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{
		Name: name, OwnerReferences: refs, Finalizers: finalizers}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return cm
}

func gone(get func(context.Context) error) wait.ConditionWithContextFunc {
	return func(ctx context.Context) (bool, error) {
		err := get(ctx)
		if apierrors.IsNotFound(err) {
			return true, nil
		}
		return false, err
	}
}

func cmGone(cs kubernetes.Interface, name string) wait.ConditionWithContextFunc {
	return gone(func(ctx context.Context) error {
		_, err := cs.CoreV1().ConfigMaps(ns).Get(ctx, name, metav1.GetOptions{})
		return err
	})
}

func del(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestGarbageCollector(t *testing.T) {
	cs := startGC(t)
	ctx := context.Background()

	t.Run("background chain", func(t *testing.T) {
		a := mustCM(t, cs, "bg-a", nil)
		b := mustCM(t, cs, "bg-b", nil, cmRef(a))
		c := mustCM(t, cs, "bg-c", nil, cmRef(b))
		del(t, cs.CoreV1().ConfigMaps(ns).Delete(ctx, a.Name, metav1.DeleteOptions{}))
		controllertest.Eventually(t, "bg-b deleted", cmGone(cs, b.Name))
		controllertest.Eventually(t, "bg-c deleted", cmGone(cs, c.Name))
	})

	t.Run("owner never existed", func(t *testing.T) {
		ghost := &metav1.ObjectMeta{Name: "ghost", UID: types.UID("00000000-0000-0000-0000-000000000001")}
		d := mustCM(t, cs, "orphan-of-ghost", nil, cmRef(ghost))
		controllertest.Eventually(t, "dependent of ghost deleted", cmGone(cs, d.Name))
	})

	t.Run("solid owner keeps dependent, dangling ref removed", func(t *testing.T) {
		owner := mustCM(t, cs, "solid-owner", nil)
		ghost := &metav1.ObjectMeta{Name: "ghost2", UID: types.UID("00000000-0000-0000-0000-000000000002")}
		d := mustCM(t, cs, "two-owners", nil, cmRef(owner), cmRef(ghost))
		controllertest.Eventually(t, "dangling ref removed", func(ctx context.Context) (bool, error) {
			got, err := cs.CoreV1().ConfigMaps(ns).Get(ctx, d.Name, metav1.GetOptions{})
			if err != nil {
				return false, err
			}
			return len(got.OwnerReferences) == 1 && got.OwnerReferences[0].UID == owner.UID, nil
		})
	})

	t.Run("orphan", func(t *testing.T) {
		o := mustCM(t, cs, "orph-owner", nil)
		d := mustCM(t, cs, "orph-dep", nil, cmRef(o))
		orphan := metav1.DeletePropagationOrphan
		del(t, cs.CoreV1().ConfigMaps(ns).Delete(ctx, o.Name, metav1.DeleteOptions{PropagationPolicy: &orphan}))
		controllertest.Eventually(t, "owner deleted", cmGone(cs, o.Name))
		got, err := cs.CoreV1().ConfigMaps(ns).Get(ctx, d.Name, metav1.GetOptions{})
		if err != nil {
			t.Fatalf("orphaned dependent: %v", err)
		}
		if len(got.OwnerReferences) != 0 {
			t.Errorf("orphaned dependent still has ownerReferences %v", got.OwnerReferences)
		}
	})

	t.Run("foreground deployment chain waits for blocking dependents", func(t *testing.T) {
		testForeground(t, cs)
	})
}

func testForeground(t *testing.T, cs kubernetes.Interface) {
	ctx := context.Background()
	labels := map[string]string{"app": "fg"}
	tmpl := corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "busybox:1"}}}}
	d, err := cs.AppsV1().Deployments(ns).Create(ctx, &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "fg"},
		Spec: appsv1.DeploymentSpec{Selector: &metav1.LabelSelector{MatchLabels: labels}, Template: tmpl}}, metav1.CreateOptions{})
	del(t, err)
	rs, err := cs.AppsV1().ReplicaSets(ns).Create(ctx, &appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{Name: "fg-1",
		OwnerReferences: []metav1.OwnerReference{ownerRef("apps/v1", "Deployment", d, true)}},
		Spec: appsv1.ReplicaSetSpec{Selector: &metav1.LabelSelector{MatchLabels: labels}, Template: tmpl}}, metav1.CreateOptions{})
	del(t, err)
	pod, err := cs.CoreV1().Pods(ns).Create(ctx, &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "fg-1-x", Labels: labels,
		Finalizers:      []string{"skiff.test/hold"},
		OwnerReferences: []metav1.OwnerReference{ownerRef("apps/v1", "ReplicaSet", rs, true)}}, Spec: tmpl.Spec}, metav1.CreateOptions{})
	del(t, err)

	fg := metav1.DeletePropagationForeground
	del(t, cs.AppsV1().Deployments(ns).Delete(ctx, d.Name, metav1.DeleteOptions{PropagationPolicy: &fg}))
	controllertest.Eventually(t, "pod marked for deletion", func(ctx context.Context) (bool, error) {
		p, err := cs.CoreV1().Pods(ns).Get(ctx, pod.Name, metav1.GetOptions{})
		return err == nil && p.DeletionTimestamp != nil, err
	})
	if _, err := cs.AppsV1().Deployments(ns).Get(ctx, d.Name, metav1.GetOptions{}); err != nil {
		t.Fatalf("deployment must wait for its blocking pod: %v", err)
	}
	p, err := cs.CoreV1().Pods(ns).Get(ctx, pod.Name, metav1.GetOptions{})
	del(t, err)
	p.Finalizers = nil
	_, err = cs.CoreV1().Pods(ns).Update(ctx, p, metav1.UpdateOptions{})
	del(t, err)
	controllertest.Eventually(t, "deployment deleted", gone(func(ctx context.Context) error {
		_, err := cs.AppsV1().Deployments(ns).Get(ctx, d.Name, metav1.GetOptions{})
		return err
	}))
	if _, err := cs.AppsV1().ReplicaSets(ns).Get(ctx, rs.Name, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("replicaset after its deployment is gone: err=%v, want NotFound", err)
	}
	if _, err := cs.CoreV1().Pods(ns).Get(ctx, pod.Name, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("pod after its deployment is gone: err=%v, want NotFound", err)
	}
}
