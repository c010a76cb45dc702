package podgc_test

import (
	"context"
	"slices"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/clock"

	"skiff/pkg/controller/controllertest"
	"skiff/pkg/controller/podgc"
)

func mkPod(t *testing.T, cs kubernetes.Interface, name, node string, phase corev1.PodPhase) {
	t.Helper()
	ctx := context.Background()
	p, err := cs.CoreV1().Pods("default").Create(ctx, &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: corev1.PodSpec{NodeName: node, Containers: []corev1.Container{{Name: "c", Image: "busybox:1"}}}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if phase == "" {
		return
	}
	p.Status.Phase = phase
	if _, err := cs.CoreV1().Pods("default").UpdateStatus(ctx, p, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
}

func podNames(ctx context.Context, cs kubernetes.Interface) ([]string, error) {
	l, err := cs.CoreV1().Pods("default").List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, err
	}
	var out []string
	for _, p := range l.Items {
		out = append(out, p.Name)
	}
	slices.Sort(out)
	return out, nil
}

func TestPodGC(t *testing.T) {
	e := controllertest.Start(t, "")
	cs, ctx := e.Client, context.Background()
	if _, err := cs.CoreV1().Nodes().Create(ctx, &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "alive"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := cs.CoreV1().Nodes().Create(ctx, &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "doomed"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	// Terminated pods, created oldest first (creation timestamps have 1 s resolution).
	for _, name := range []string{"done-1", "done-2", "done-3"} {
		mkPod(t, cs, name, "alive", corev1.PodSucceeded)
		time.Sleep(1100 * time.Millisecond)
	}
	mkPod(t, cs, "running", "alive", corev1.PodRunning)
	mkPod(t, cs, "on-doomed", "doomed", corev1.PodRunning)

	c := podgc.New(cs, e.Informers, e.Recorder, clock.RealClock{}, e.Log,
		podgc.Config{Quarantine: time.Second, TerminatedPodThreshold: 1, Period: 200 * time.Millisecond})
	e.Run(c.Run)

	want := []string{"done-3", "on-doomed", "running"}
	if err := wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
		got, err := podNames(ctx, cs)
		return slices.Equal(got, want), err
	}); err != nil {
		got, _ := podNames(ctx, cs)
		t.Fatalf("terminated pods over threshold: got %v, want %v (oldest removed first)", got, want)
	}

	if err := cs.CoreV1().Nodes().Delete(ctx, "doomed", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	want = []string{"done-3", "running"}
	if err := wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
		got, err := podNames(ctx, cs)
		return slices.Equal(got, want), err
	}); err != nil {
		got, _ := podNames(ctx, cs)
		t.Fatalf("pods on deleted node: got %v, want %v", got, want)
	}
}
