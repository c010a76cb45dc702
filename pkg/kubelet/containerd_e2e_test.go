package kubelet_test

import (
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	v1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"skiff/pkg/containerd"
	"skiff/pkg/kubelet"
	"skiff/pkg/server/servertest"
)

// TestRealContainerd runs the kubelet against a real containerd supervised by pkg/containerd.
// It needs root, containerd and the images of `make images`; set SKIFF_E2E_CONTAINERD=1.
func TestRealContainerd(t *testing.T) {
	if os.Getenv("SKIFF_E2E_CONTAINERD") == "" || os.Geteuid() != 0 {
		t.Skip("set SKIFF_E2E_CONTAINERD=1 and run as root")
	}
	dir, err := os.MkdirTemp("/tmp", "kle2e")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		os.RemoveAll(dir)
		exec.Command("ip", "link", "del", "kle2e0").Run()
	})
	for _, img := range []string{"pause.tar", "busybox.tar"} {
		b, err := os.ReadFile(filepath.Join("../../build/images", img))
		if err != nil {
			t.Skipf("images not built: %v", err)
		}
		os.MkdirAll(filepath.Join(dir, "images"), 0o755)
		if err := os.WriteFile(filepath.Join(dir, "images", img), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	srv := servertest.StartWith(t, servertest.Options{NoControllers: true})
	sup, err := containerd.New(containerd.Config{DataDir: dir, Log: testLogger()})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	supDone := make(chan error, 1)
	go func() { supDone <- sup.Run(ctx) }()
	kl, err := kubelet.New(kubelet.Config{
		NodeName: nodeName, NodeIP: "127.0.0.1", Client: srv.Client, RuntimeEndpoint: sup.Endpoint(), RootDir: dir,
		PodCIDR: "10.97.0.0/24", CNIBridge: "kle2e0", Log: testLogger(),
	})
	if err != nil {
		t.Fatal(err)
	}
	klDone := make(chan error, 1)
	go func() { <-sup.Ready(); klDone <- kl.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		<-klDone
		<-supDone
	})
	e := &env{t: t, client: srv.Client}
	pod := simplePod("real", v1.RestartPolicyAlways, "web")
	pod.Spec.TerminationGracePeriodSeconds = ptr(int64(2))
	pod.Spec.Containers[0].Command = []string{"httpd", "-f", "-p", "8080", "-h", "/etc"}
	start := time.Now()
	e.createPod(pod)
	p := e.waitPod("real", "running", func(p *v1.Pod) bool { return p.Status.Phase == v1.PodRunning && p.Status.PodIP != "" })
	t.Logf("pod running in %s with IP %s", time.Since(start), p.Status.PodIP)
	resp, err := http.Get("http://" + p.Status.PodIP + ":8080/hostname")
	if err != nil {
		t.Fatalf("HTTP to pod: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	t.Logf("GET /hostname: %d %q", resp.StatusCode, body)
	if err := srv.Client.CoreV1().Pods("default").Delete(context.Background(), "real", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	start = time.Now()
	eventually(t, "pod deleted", func(ctx context.Context) (bool, error) {
		_, err := srv.Client.CoreV1().Pods("default").Get(ctx, "real", metav1.GetOptions{})
		return apierrors.IsNotFound(err), nil
	})
	t.Logf("deletion completed in %s", time.Since(start))
}
