package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
)

const rolloutApp = `apiVersion: v1
kind: Namespace
metadata:
  name: rollout
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: rollout
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: localhost/web:v1
`

// fakeKubelet marks every pod in ns Running and Ready (there is no kubelet in this cluster)
// until ctx ends.
func fakeKubelet(ctx context.Context, t *testing.T, ns string) {
	cfg, err := clientcmd.BuildConfigFromFlags("", shared.kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		for ctx.Err() == nil {
			w, err := cs.CoreV1().Pods(ns).Watch(ctx, metav1.ListOptions{})
			if err != nil {
				time.Sleep(200 * time.Millisecond)
				continue
			}
			for ev := range w.ResultChan() {
				p, ok := ev.Object.(*corev1.Pod)
				if !ok || ev.Type == watch.Deleted || p.DeletionTimestamp != nil || p.Status.Phase == corev1.PodRunning {
					continue
				}
				p.Status.Phase = corev1.PodRunning
				p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue, LastTransitionTime: metav1.Now()}}
				_, _ = cs.CoreV1().Pods(ns).UpdateStatus(ctx, p, metav1.UpdateOptions{})
			}
			w.Stop()
		}
	}()
}

func rolloutStatus(t *testing.T) {
	t.Helper()
	if out := ok(t, "", "-n", "rollout", "rollout", "status", "deployment/web", "--timeout=60s"); !strings.Contains(out, `deployment "web" successfully rolled out`) {
		t.Fatalf("rollout status:\n%s", out)
	}
}

func wantImage(t *testing.T, want string) {
	t.Helper()
	if got := ok(t, "", "-n", "rollout", "get", "deployment", "web", "-o", "jsonpath={.spec.template.spec.containers[0].image}"); got != want {
		t.Fatalf("image = %q, want %q", got, want)
	}
}

func mustContain(t *testing.T, out string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Fatalf("output misses %q:\n%s", w, out)
		}
	}
}

func TestRollout(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	fakeKubelet(ctx, t, "rollout")
	ok(t, rolloutApp, "create", "-f", "-") // not apply: undo warns about last-applied, as upstream
	rolloutStatus(t)

	mustContain(t, ok(t, "", "-n", "rollout", "set", "image", "deployment/web", "web=localhost/web:v2"), "image updated")
	rolloutStatus(t)
	mustContain(t, ok(t, "", "-n", "rollout", "rollout", "history", "deployment/web"), "REVISION", "1 ", "2 ")

	mustContain(t, ok(t, "", "-n", "rollout", "rollout", "undo", "deployment/web"), "rolled back")
	rolloutStatus(t)
	wantImage(t, "localhost/web:v1")
	hist := ok(t, "", "-n", "rollout", "rollout", "history", "deployment/web")
	mustContain(t, hist, "2 ", "3 ")
	if strings.Contains(hist, "\n1 ") {
		t.Fatalf("revision 1 should have become 3:\n%s", hist)
	}

	mustContain(t, ok(t, "", "-n", "rollout", "rollout", "restart", "deployment/web"), "restarted")
	rolloutStatus(t)
	if got := ok(t, "", "-n", "rollout", "get", "deployment", "web", "-o", "jsonpath={.metadata.annotations.deployment\\.kubernetes\\.io/revision}"); got != "4" {
		t.Fatalf("revision after restart = %q, want 4", got)
	}

	mustContain(t, ok(t, "", "-n", "rollout", "rollout", "pause", "deployment/web"), "paused")
	ok(t, "", "-n", "rollout", "set", "image", "deployment/web", "web=localhost/web:v3")
	rsBefore := ok(t, "", "-n", "rollout", "get", "rs", "-o", "name")
	time.Sleep(time.Second) // give the controller a chance to (wrongly) roll out
	if rsAfter := ok(t, "", "-n", "rollout", "get", "rs", "-o", "name"); rsAfter != rsBefore {
		t.Fatalf("replica sets changed while paused:\n%s\nthen\n%s", rsBefore, rsAfter)
	}
	mustContain(t, ok(t, "", "-n", "rollout", "rollout", "resume", "deployment/web"), "resumed")
	rolloutStatus(t)
	mustContain(t, ok(t, "", "-n", "rollout", "get", "pods", "-o", "jsonpath={.items[*].spec.containers[0].image}"), "localhost/web:v3")

	mustContain(t, ok(t, "", "-n", "rollout", "scale", "deployment/web", "--replicas=5"), "scaled")
	rolloutStatus(t)
	if got := ok(t, "", "-n", "rollout", "get", "deployment", "web", "-o", "jsonpath={.status.readyReplicas}/{.status.availableReplicas}"); got != "5/5" {
		t.Fatalf("ready/available = %s, want 5/5", got)
	}
}
