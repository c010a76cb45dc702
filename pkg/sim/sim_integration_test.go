package sim

import (
	"context"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"

	"skiff/pkg/server/servertest"
)

// startSim runs a simulator with cfg against a fresh server until the test ends.
func startSim(t *testing.T, cfg Config) (*Sim, kubernetes.Interface) {
	t.Helper()
	if testing.Short() {
		t.Skip("integration test")
	}
	srv := servertest.StartWith(t, servertest.Options{NoControllers: true})
	return runSim(t, cfg, srv.Client), srv.Client
}

func runSim(t *testing.T, cfg Config, client kubernetes.Interface) *Sim {
	t.Helper()
	if cfg.Log == nil {
		cfg.Log = testLogger()
	}
	s, err := New(cfg, client)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	select {
	case <-s.Ready():
	case err := <-done:
		t.Fatalf("Run ended before ready: %v", err)
	case <-time.After(60 * time.Second):
		t.Fatal("sim not ready after 60s")
	}
	return s
}

func testLogger() *slog.Logger {
	var out io.Writer = io.Discard
	if os.Getenv("SKIFF_TEST_LOG") != "" {
		out = os.Stderr
	}
	return slog.New(slog.NewTextHandler(out, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// eventually polls cond every 100ms for up to 30s.
func eventually(t *testing.T, what string, cond func(ctx context.Context) (bool, error)) {
	t.Helper()
	err := wait.PollUntilContextTimeout(context.Background(), 100*time.Millisecond, 30*time.Second, true, cond)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func TestNodesRegisterReadyWithLeases(t *testing.T) {
	taints, _ := ParseTaints("dedicated=sim:NoSchedule")
	s, client := startSim(t, Config{Nodes: 3, NamePrefix: "n-", Labels: map[string]string{"tier": "sim"}, Taints: taints, HeartbeatInterval: time.Second})
	ctx := context.Background()
	if diff := cmp.Diff([]string{"n-0", "n-1", "n-2"}, s.NodeNames()); diff != "" {
		t.Errorf("NodeNames (-want +got):\n%s", diff)
	}
	for _, name := range s.NodeNames() {
		n, err := client.CoreV1().Nodes().Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if c := findCondition(n.Status.Conditions, corev1.NodeReady); c == nil || c.Status != corev1.ConditionTrue {
			t.Errorf("%s: Ready condition %+v", name, c)
		}
		if n.Labels["tier"] != "sim" || n.Labels[corev1.LabelHostname] != name || n.Annotations[AnnotationSimulated] != "true" {
			t.Errorf("%s: labels %v annotations %v", name, n.Labels, n.Annotations)
		}
		if diff := cmp.Diff(taints, n.Spec.Taints); diff != "" {
			t.Errorf("%s taints (-want +got):\n%s", name, diff)
		}
		if got := n.Status.NodeInfo.KubeletVersion; got != KubeletVersion {
			t.Errorf("%s: kubeletVersion %q", name, got)
		}
	}
	first, err := client.CoordinationV1().Leases(NodeLeaseNamespace).Get(ctx, "n-1", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if *first.Spec.HolderIdentity != "n-1" || *first.Spec.LeaseDurationSeconds != 40 {
		t.Errorf("lease spec %+v", first.Spec)
	}
	eventually(t, "lease renewed", func(ctx context.Context) (bool, error) {
		l, err := client.CoordinationV1().Leases(NodeLeaseNamespace).Get(ctx, "n-1", metav1.GetOptions{})
		return err == nil && l.Spec.RenewTime.After(first.Spec.RenewTime.Time), err
	})
}

func TestExistingNodeIsAdopted(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test")
	}
	srv := servertest.StartWith(t, servertest.Options{NoControllers: true})
	ctx := context.Background()
	old := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "sim-0", Labels: map[string]string{"keep": "me"}}}
	if _, err := srv.Client.CoreV1().Nodes().Create(ctx, old, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	runSim(t, Config{Nodes: 2}, srv.Client)
	list, err := srv.Client.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Items) != 2 {
		t.Fatalf("want 2 nodes, got %d", len(list.Items))
	}
	n := list.Items[0]
	if n.Labels["keep"] != "me" || n.Annotations[AnnotationSimulated] != "true" || findCondition(n.Status.Conditions, corev1.NodeReady) == nil {
		t.Errorf("adopted node: labels %v annotations %v conditions %v", n.Labels, n.Annotations, n.Status.Conditions)
	}
}

func testPod(name, node string, annotations map[string]string, policy corev1.RestartPolicy) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default", Annotations: annotations},
		Spec:       corev1.PodSpec{NodeName: node, RestartPolicy: policy, Containers: []corev1.Container{{Name: "app", Image: "busybox:1.36"}}},
	}
}

func TestPodLifecycle(t *testing.T) {
	_, client := startSim(t, Config{Nodes: 2})
	ctx := context.Background()
	pods := client.CoreV1().Pods("default")
	if _, err := pods.Create(ctx, testPod("web", "sim-1", nil, corev1.RestartPolicyAlways), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	var running *corev1.Pod
	eventually(t, "pod running", func(ctx context.Context) (bool, error) {
		p, err := pods.Get(ctx, "web", metav1.GetOptions{})
		running = p
		return err == nil && p.Status.Phase == corev1.PodRunning, err
	})
	st := running.Status
	if st.HostIP != "10.64.0.2" || st.PodIP != "10.128.1.2" || st.QOSClass != corev1.PodQOSBestEffort || st.StartTime == nil {
		t.Errorf("status hostIP %q podIP %q qos %q start %v", st.HostIP, st.PodIP, st.QOSClass, st.StartTime)
	}
	if len(st.ContainerStatuses) != 1 || !st.ContainerStatuses[0].Ready || st.ContainerStatuses[0].State.Running == nil {
		t.Errorf("container statuses %+v", st.ContainerStatuses)
	}
	if c := podCondition(st, corev1.PodReady); c == nil || c.Status != corev1.ConditionTrue {
		t.Errorf("Ready condition %+v", c)
	}
	if err := pods.Delete(ctx, "web", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "pod gone", func(ctx context.Context) (bool, error) {
		_, err := pods.Get(ctx, "web", metav1.GetOptions{})
		return apierrors.IsNotFound(err), nil
	})
}

func TestPodsExitAfter(t *testing.T) {
	_, client := startSim(t, Config{Nodes: 1})
	ctx := context.Background()
	pods := client.CoreV1().Pods("default")
	cases := []struct {
		name        string
		annotations map[string]string
		want        corev1.PodPhase
		wantCode    int32
	}{
		{"succeeds", map[string]string{AnnotationExitAfter: "1s"}, corev1.PodSucceeded, 0},
		{"fails", map[string]string{AnnotationExitAfter: "500ms", AnnotationExitCode: "3"}, corev1.PodFailed, 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := pods.Create(ctx, testPod(tc.name, "sim-0", tc.annotations, corev1.RestartPolicyNever), metav1.CreateOptions{}); err != nil {
				t.Fatal(err)
			}
			var got *corev1.Pod
			eventually(t, "pod finished", func(ctx context.Context) (bool, error) {
				p, err := pods.Get(ctx, tc.name, metav1.GetOptions{})
				got = p
				return err == nil && (p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed), err
			})
			if got.Status.Phase != tc.want {
				t.Errorf("phase %s, want %s", got.Status.Phase, tc.want)
			}
			term := got.Status.ContainerStatuses[0].State.Terminated
			if term == nil || term.ExitCode != tc.wantCode {
				t.Errorf("terminated state %+v, want exit code %d", term, tc.wantCode)
			}
		})
	}
}

func podCondition(st corev1.PodStatus, t corev1.PodConditionType) *corev1.PodCondition {
	for i := range st.Conditions {
		if st.Conditions[i].Type == t {
			return &st.Conditions[i]
		}
	}
	return nil
}
