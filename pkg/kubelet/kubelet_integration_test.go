package kubelet_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	v1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"

	"skiff/pkg/kubelet"
	"skiff/pkg/kubelet/fakecri"
	"skiff/pkg/server/servertest"
)

const (
	busybox  = "localhost/busybox:1.35"
	nodeName = "node-a"
)

// env is a control plane, a fake CRI runtime and a kubelet data dir for one test.
type env struct {
	t      *testing.T
	client kubernetes.Interface
	cri    *fakecri.Server
	root   string
	cgroup string
	kl     *kubelet.Kubelet // the last one start ran
}

func newEnv(t *testing.T) *env {
	t.Helper()
	if testing.Short() {
		t.Skip("integration test")
	}
	srv := servertest.StartWith(t, servertest.Options{NoControllers: true})
	cri := fakecri.Start(t)
	cri.AddImage("localhost/pause:3.9", busybox)
	return &env{t: t, client: srv.Client, cri: cri, root: t.TempDir(), cgroup: t.TempDir()}
}

// start runs a kubelet until the returned stop function is called (or the test ends).
func (e *env) start() (stop func()) {
	e.t.Helper()
	k, err := kubelet.New(kubelet.Config{
		NodeName: nodeName, NodeIP: "192.0.2.10", Client: e.client, RuntimeEndpoint: e.cri.Endpoint(),
		RootDir: e.root, CgroupRoot: e.cgroup, ResolvConf: "/nonexistent", ClusterDNS: []string{"10.43.0.10"},
		SyncFrequency: time.Second, RelistPeriod: 100 * time.Millisecond, NodeStatusUpdateFrequency: time.Second,
		LeaseRenewInterval: time.Second, BackoffInitial: 300 * time.Millisecond, BackoffMax: 2 * time.Second,
		Log: testLogger(),
	})
	if err != nil {
		e.t.Fatal(err)
	}
	e.kl = k
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- k.Run(ctx) }()
	select {
	case <-k.Ready():
	case err := <-done:
		e.t.Fatalf("kubelet stopped before ready: %v", err)
	case <-time.After(30 * time.Second):
		e.t.Fatal("kubelet not ready after 30s")
	}
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		if err := <-done; err != nil {
			e.t.Errorf("kubelet Run: %v", err)
		}
	}
	e.t.Cleanup(stop)
	return stop
}

func testLogger() *slog.Logger {
	var out io.Writer = io.Discard
	if os.Getenv("SKIFF_TEST_LOG") != "" {
		out = os.Stderr
	}
	return slog.New(slog.NewTextHandler(out, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// eventually polls cond every 50ms for up to 30s.
func eventually(t *testing.T, what string, cond func(ctx context.Context) (bool, error)) {
	t.Helper()
	if err := wait.PollUntilContextTimeout(context.Background(), 50*time.Millisecond, 30*time.Second, true, cond); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func (e *env) createPod(pod *v1.Pod) *v1.Pod {
	e.t.Helper()
	pod.Spec.NodeName = nodeName
	if pod.Namespace == "" {
		pod.Namespace = "default"
	}
	out, err := e.client.CoreV1().Pods(pod.Namespace).Create(context.Background(), pod, metav1.CreateOptions{})
	if err != nil {
		e.t.Fatal(err)
	}
	return out
}

func (e *env) pod(name string) *v1.Pod {
	e.t.Helper()
	p, err := e.client.CoreV1().Pods("default").Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

// waitPod polls pod name until cond holds, and returns it.
func (e *env) waitPod(name, what string, cond func(p *v1.Pod) bool) *v1.Pod {
	e.t.Helper()
	var last *v1.Pod
	err := wait.PollUntilContextTimeout(context.Background(), 50*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
		p, err := e.client.CoreV1().Pods("default").Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return false, err
		}
		last = p
		return cond(p), nil
	})
	if err != nil {
		e.t.Fatalf("pod %s: %s: %v\nlast status: %+v", name, what, err, last.Status)
	}
	return last
}

// running reports whether container name of p is running with restartCount n (n < 0: any).
func running(p *v1.Pod, name string, n int32) bool {
	for _, cs := range append(p.Status.InitContainerStatuses, p.Status.ContainerStatuses...) {
		if cs.Name == name {
			return cs.State.Running != nil && (n < 0 || cs.RestartCount == n)
		}
	}
	return false
}

func status(p *v1.Pod, name string) v1.ContainerStatus {
	for _, cs := range append(p.Status.InitContainerStatuses, p.Status.ContainerStatuses...) {
		if cs.Name == name {
			return cs
		}
	}
	return v1.ContainerStatus{}
}

func condition(p *v1.Pod, t v1.PodConditionType) v1.ConditionStatus {
	for _, c := range p.Status.Conditions {
		if c.Type == t {
			return c.Status
		}
	}
	return ""
}

// criContainers lists fake containers of pod uid named name.
func (e *env) criContainers(uid, name string) []fakecri.Container {
	return e.cri.Containers(map[string]string{kubelet.LabelPodUID: uid, kubelet.LabelContainerName: name})
}

// runningID is the CRI ID of the running container name of pod.
func (e *env) runningID(p *v1.Pod, name string) string {
	e.t.Helper()
	id := strings.TrimPrefix(status(p, name).ContainerID, "fakecri://")
	if id == "" {
		e.t.Fatalf("no container ID for %s", name)
	}
	return id
}

func simplePod(name string, policy v1.RestartPolicy, containers ...string) *v1.Pod {
	p := &v1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: v1.PodSpec{RestartPolicy: policy}}
	for _, c := range containers {
		p.Spec.Containers = append(p.Spec.Containers, v1.Container{Name: c, Image: busybox, Command: []string{"sleep", "3600"}})
	}
	return p
}

func TestNodeRegistersReadyWithLease(t *testing.T) {
	e := newEnv(t)
	e.start()
	ctx := context.Background()
	eventually(t, "node ready", func(ctx context.Context) (bool, error) {
		n, err := e.client.CoreV1().Nodes().Get(ctx, nodeName, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		for _, c := range n.Status.Conditions {
			if c.Type == v1.NodeReady && c.Status == v1.ConditionTrue && c.Reason == "KubeletReady" {
				return true, nil
			}
		}
		return false, nil
	})
	n, err := e.client.CoreV1().Nodes().Get(ctx, nodeName, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if n.Labels[v1.LabelHostname] != nodeName || n.Labels[v1.LabelOSStable] != "linux" {
		t.Errorf("labels = %v", n.Labels)
	}
	if got := n.Status.NodeInfo.ContainerRuntimeVersion; got != "fakecri://0.1.0" {
		t.Errorf("containerRuntimeVersion = %q", got)
	}
	if n.Status.Capacity.Pods().Value() != 110 || n.Status.Capacity.Cpu().Value() < 1 || n.Status.Capacity.Memory().Value() < 1<<20 {
		t.Errorf("capacity = %v", n.Status.Capacity)
	}
	if n.Status.DaemonEndpoints.KubeletEndpoint.Port != 10250 || len(n.Status.Addresses) != 2 || n.Status.Addresses[0].Address != "192.0.2.10" {
		t.Errorf("endpoints %v addresses %v", n.Status.DaemonEndpoints, n.Status.Addresses)
	}
	eventually(t, "lease", func(ctx context.Context) (bool, error) {
		l, err := e.client.CoordinationV1().Leases(v1.NamespaceNodeLease).Get(ctx, nodeName, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return false, nil
		}
		return err == nil && l.Spec.RenewTime != nil && *l.Spec.HolderIdentity == nodeName, err
	})
	if _, err := os.Stat(e.root + "/cni/net.d/10-skiff.conflist"); err != nil {
		t.Errorf("CNI config: %v", err)
	}
}

func TestPodRunsWithStatus(t *testing.T) {
	e := newEnv(t)
	e.start()
	e.createPod(simplePod("web", v1.RestartPolicyAlways, "app"))
	p := e.waitPod("web", "running and ready", func(p *v1.Pod) bool {
		return p.Status.Phase == v1.PodRunning && condition(p, v1.PodReady) == v1.ConditionTrue
	})
	cs := status(p, "app")
	if !cs.Ready || cs.Started == nil || !*cs.Started || cs.RestartCount != 0 || !strings.HasPrefix(cs.ContainerID, "fakecri://") || cs.ImageID == "" {
		t.Errorf("container status = %+v", cs)
	}
	if !strings.HasPrefix(p.Status.PodIP, "10.88.") || p.Status.HostIP != "192.0.2.10" || p.Status.QOSClass != v1.PodQOSBestEffort || p.Status.StartTime == nil {
		t.Errorf("pod status = %+v", p.Status)
	}
	for _, c := range []v1.PodConditionType{v1.PodScheduled, v1.PodReadyToStartContainers, v1.PodInitialized, v1.ContainersReady} {
		if condition(p, c) != v1.ConditionTrue {
			t.Errorf("condition %s = %s", c, condition(p, c))
		}
	}
	ids := e.cri.SandboxIDs()
	if len(ids) != 1 {
		t.Fatalf("sandboxes = %v", ids)
	}
	cfg, ready, _ := e.cri.Sandbox(ids[0])
	if !ready || cfg.Hostname != "web" || cfg.Linux.CgroupParent == "" || !strings.HasSuffix(cfg.LogDirectory, "default_web_"+string(p.UID)) {
		t.Errorf("sandbox config = %v", cfg)
	}
	if got := cfg.DnsConfig.GetSearches(); len(got) < 3 || got[0] != "default.svc.cluster.local" || cfg.DnsConfig.Servers[0] != "10.43.0.10" {
		t.Errorf("dns = %v", cfg.DnsConfig)
	}
	c := e.criContainers(string(p.UID), "app")
	if len(c) != 1 || c[0].Config.LogPath != "app/0.log" || c[0].Config.Annotations[kubelet.AnnotationRestartCount] != "0" {
		t.Fatalf("containers = %+v", c)
	}
	if !hasMount(c[0], "/etc/hosts") || !hasMount(c[0], "/dev/termination-log") {
		t.Errorf("mounts = %v", c[0].Config.Mounts)
	}
	if pods := e.kl.Pods(); len(pods) != 1 || pods[0].Name != "web" || pods[0].UID != p.UID {
		t.Errorf("Pods() = %v, want the pod web", pods)
	}
	// The status is written only when it changes.
	rv := p.ResourceVersion
	time.Sleep(2500 * time.Millisecond)
	if got := e.pod("web").ResourceVersion; got != rv {
		t.Errorf("pod rewritten without change: resourceVersion %s -> %s (%+v)", rv, got, e.pod("web").Status)
	}
}

func hasMount(c fakecri.Container, path string) bool {
	for _, m := range c.Config.Mounts {
		if m.ContainerPath == path {
			return true
		}
	}
	return false
}

func TestCrashLoopBackOff(t *testing.T) {
	e := newEnv(t)
	e.start()
	e.createPod(simplePod("crash", v1.RestartPolicyAlways, "app"))
	sawBackoff := false
	for n := int32(0); n < 3; n++ {
		p := e.waitPod("crash", fmt.Sprintf("running with restartCount %d", n), func(p *v1.Pod) bool {
			if w := status(p, "app").State.Waiting; w != nil && w.Reason == "CrashLoopBackOff" {
				sawBackoff = true
				if !strings.Contains(w.Message, "restarting failed container=app pod=crash_default(") {
					t.Errorf("back-off message = %q", w.Message)
				}
			}
			return running(p, "app", n)
		})
		if n > 0 {
			last := status(p, "app").LastTerminationState.Terminated
			if last == nil || last.ExitCode != 1 || last.Reason != "Error" {
				t.Errorf("restart %d: lastState = %+v", n, last)
			}
		}
		if !e.cri.Exit(e.runningID(p, "app"), 1, "Error") {
			t.Fatal("container not running in CRI")
		}
	}
	if !sawBackoff {
		t.Error("never saw CrashLoopBackOff")
	}
	if got := len(e.criContainers(string(e.pod("crash").UID), "app")); got > 2 {
		t.Errorf("%d instances kept, want at most 2", got)
	}
}

func TestInitContainersRunInOrder(t *testing.T) {
	e := newEnv(t)
	e.start()
	pod := simplePod("init", v1.RestartPolicyAlways, "app")
	pod.Spec.InitContainers = []v1.Container{{Name: "first", Image: busybox}, {Name: "second", Image: busybox}}
	p := e.createPod(pod)
	uid := string(p.UID)
	p = e.waitPod("init", "first init running", func(p *v1.Pod) bool { return running(p, "first", 0) })
	if p.Status.Phase != v1.PodPending || condition(p, v1.PodInitialized) != v1.ConditionFalse {
		t.Errorf("phase %s initialized %s", p.Status.Phase, condition(p, v1.PodInitialized))
	}
	if w := status(p, "app").State.Waiting; w == nil || w.Reason != "PodInitializing" {
		t.Errorf("app state = %+v", status(p, "app").State)
	}
	time.Sleep(300 * time.Millisecond)
	if n := len(e.criContainers(uid, "second")); n != 0 {
		t.Fatalf("second init created while first runs")
	}
	e.cri.Exit(e.runningID(p, "first"), 0, "Completed")
	p = e.waitPod("init", "second init running", func(p *v1.Pod) bool { return running(p, "second", 0) })
	if n := len(e.criContainers(uid, "app")); n != 0 {
		t.Fatalf("app created while init runs")
	}
	e.cri.Exit(e.runningID(p, "second"), 0, "Completed")
	p = e.waitPod("init", "running", func(p *v1.Pod) bool { return p.Status.Phase == v1.PodRunning && running(p, "app", 0) })
	if condition(p, v1.PodInitialized) != v1.ConditionTrue || status(p, "first").State.Terminated == nil {
		t.Errorf("status = %+v", p.Status)
	}
}

func TestImagePullBackOff(t *testing.T) {
	e := newEnv(t)
	e.start()
	e.cri.SetPullError("registry.example/missing:1", fmt.Errorf("not found"))
	pod := simplePod("pull", v1.RestartPolicyAlways, "app")
	pod.Spec.Containers[0].Image = "registry.example/missing:1"
	e.createPod(pod)
	e.waitPod("pull", "ErrImagePull", func(p *v1.Pod) bool {
		w := status(p, "app").State.Waiting
		return w != nil && w.Reason == "ErrImagePull"
	})
	e.waitPod("pull", "ImagePullBackOff", func(p *v1.Pod) bool {
		w := status(p, "app").State.Waiting
		return w != nil && w.Reason == "ImagePullBackOff" && p.Status.Phase == v1.PodPending
	})
	e.cri.SetPullError("registry.example/missing:1", nil)
	e.waitPod("pull", "running after pull succeeds", func(p *v1.Pod) bool { return running(p, "app", 0) })
}

func TestNeverPullPolicy(t *testing.T) {
	e := newEnv(t)
	e.start()
	pod := simplePod("never", v1.RestartPolicyAlways, "app")
	pod.Spec.Containers[0].Image, pod.Spec.Containers[0].ImagePullPolicy = "localhost/absent:1", v1.PullNever
	e.createPod(pod)
	e.waitPod("never", "ErrImageNeverPull", func(p *v1.Pod) bool {
		w := status(p, "app").State.Waiting
		return w != nil && w.Reason == "ErrImageNeverPull"
	})
	if e.cri.CallCount("PullImage") != 0 {
		t.Error("pulled despite policy Never")
	}
}

func TestDeletionCompletes(t *testing.T) {
	e := newEnv(t)
	e.start()
	p := e.createPod(simplePod("del", v1.RestartPolicyAlways, "app", "side"))
	e.waitPod("del", "running", func(p *v1.Pod) bool { return p.Status.Phase == v1.PodRunning })
	ctx := context.Background()
	if err := e.client.CoreV1().Pods("default").Delete(ctx, "del", metav1.DeleteOptions{GracePeriodSeconds: ptr(int64(7))}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "pod deleted", func(ctx context.Context) (bool, error) {
		_, err := e.client.CoreV1().Pods("default").Get(ctx, "del", metav1.GetOptions{})
		return apierrors.IsNotFound(err), nil
	})
	eventually(t, "CRI objects removed", func(ctx context.Context) (bool, error) {
		return len(e.cri.SandboxIDs()) == 0 && len(e.criContainers(string(p.UID), "app")) == 0, nil
	})
	stops := 0
	for _, c := range e.cri.Calls() {
		if c.Method == "StopContainer" {
			stops++
			if got := c.Request.(interface{ GetTimeout() int64 }).GetTimeout(); got != 7 {
				t.Errorf("StopContainer timeout = %d, want 7", got)
			}
		}
	}
	if stops < 2 {
		t.Errorf("StopContainer called %d times", stops)
	}
}

func TestRestartNeverOOMKilledFails(t *testing.T) {
	e := newEnv(t)
	e.start()
	e.createPod(simplePod("oom", v1.RestartPolicyNever, "app"))
	p := e.waitPod("oom", "running", func(p *v1.Pod) bool { return running(p, "app", 0) })
	e.cri.Exit(e.runningID(p, "app"), 137, "OOMKilled")
	p = e.waitPod("oom", "failed", func(p *v1.Pod) bool { return p.Status.Phase == v1.PodFailed })
	term := status(p, "app").State.Terminated
	if term == nil || term.Reason != "OOMKilled" || term.ExitCode != 137 {
		t.Errorf("state = %+v", status(p, "app").State)
	}
	eventually(t, "sandbox stopped", func(context.Context) (bool, error) {
		_, ready, _ := e.cri.Sandbox(e.cri.SandboxIDs()[0])
		return !ready, nil
	})
	if n := len(e.criContainers(string(p.UID), "app")); n != 1 {
		t.Errorf("%d containers, want 1 (no restart)", n)
	}
}

func TestRestartedKubeletAdoptsContainers(t *testing.T) {
	e := newEnv(t)
	stop := e.start()
	e.createPod(simplePod("adopt", v1.RestartPolicyAlways, "app"))
	p := e.waitPod("adopt", "running", func(p *v1.Pod) bool { return running(p, "app", 0) && p.Status.Phase == v1.PodRunning })
	stop()
	creates := e.cri.CallCount("CreateContainer") + e.cri.CallCount("RunPodSandbox")
	e.start()
	time.Sleep(3 * time.Second)
	if got := e.cri.CallCount("CreateContainer") + e.cri.CallCount("RunPodSandbox"); got != creates {
		t.Errorf("restarted kubelet created %d containers/sandboxes", got-creates)
	}
	if n := e.cri.CallCount("StopContainer"); n != 0 {
		t.Errorf("restarted kubelet stopped %d containers", n)
	}
	q := e.pod("adopt")
	if !running(q, "app", 0) || status(q, "app").ContainerID != status(p, "app").ContainerID {
		t.Errorf("status after restart = %+v", q.Status)
	}
}

func TestContainerRemovedBehindBackIsRecreated(t *testing.T) {
	e := newEnv(t)
	e.start()
	p := e.createPod(simplePod("gone", v1.RestartPolicyAlways, "app"))
	p = e.waitPod("gone", "running", func(p *v1.Pod) bool { return running(p, "app", 0) })
	old := status(p, "app").ContainerID
	e.cri.DeleteContainer(e.runningID(p, "app"))
	e.waitPod("gone", "recreated", func(p *v1.Pod) bool {
		return running(p, "app", -1) && status(p, "app").ContainerID != old
	})
}

func TestOrphansAreRemoved(t *testing.T) {
	e := newEnv(t)
	e.start()
	p := e.createPod(simplePod("orphan", v1.RestartPolicyAlways, "app"))
	e.waitPod("orphan", "running", func(p *v1.Pod) bool { return running(p, "app", 0) })
	// A force delete leaves no chance to terminate gracefully: the kubelet cleans up.
	if err := e.client.CoreV1().Pods("default").Delete(context.Background(), "orphan", metav1.DeleteOptions{GracePeriodSeconds: ptr(int64(0))}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "CRI objects removed", func(ctx context.Context) (bool, error) {
		return len(e.cri.SandboxIDs()) == 0 && len(e.criContainers(string(p.UID), "app")) == 0, nil
	})
}

func ptr[T any](v T) *T { return &v }
