package fakecri_test

import (
	"context"
	"errors"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"

	"skiff/pkg/kubelet/fakecri"
)

func TestLifecycleOverSocket(t *testing.T) {
	s := fakecri.Start(t)
	s.AddImage("img:1")
	conn, err := grpc.NewClient(s.Endpoint(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	rt := runtimeapi.NewRuntimeServiceClient(conn)
	ctx := context.Background()
	sb, err := rt.RunPodSandbox(ctx, &runtimeapi.RunPodSandboxRequest{Config: &runtimeapi.PodSandboxConfig{Labels: map[string]string{"pod": "a"}}})
	if err != nil {
		t.Fatal(err)
	}
	cfg := &runtimeapi.ContainerConfig{Image: &runtimeapi.ImageSpec{Image: "img:1"}, Labels: map[string]string{"pod": "a", "c": "x"}}
	c, err := rt.CreateContainer(ctx, &runtimeapi.CreateContainerRequest{PodSandboxId: sb.PodSandboxId, Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rt.StartContainer(ctx, &runtimeapi.StartContainerRequest{ContainerId: c.ContainerId}); err != nil {
		t.Fatal(err)
	}
	if !s.Exit(c.ContainerId, 137, "OOMKilled") {
		t.Fatal("Exit: not running")
	}
	st, err := rt.ContainerStatus(ctx, &runtimeapi.ContainerStatusRequest{ContainerId: c.ContainerId})
	if err != nil {
		t.Fatal(err)
	}
	if st.Status.State != runtimeapi.ContainerState_CONTAINER_EXITED || st.Status.ExitCode != 137 || st.Status.Reason != "OOMKilled" {
		t.Errorf("status = %v", st.Status)
	}
	list, err := rt.ListContainers(ctx, &runtimeapi.ListContainersRequest{Filter: &runtimeapi.ContainerFilter{LabelSelector: map[string]string{"c": "x"}}})
	if err != nil || len(list.Containers) != 1 {
		t.Fatalf("list = %v, %v", list, err)
	}
	s.InjectError("StartContainer", errors.New("injected"))
	if _, err := rt.StartContainer(ctx, &runtimeapi.StartContainerRequest{ContainerId: c.ContainerId}); err == nil {
		t.Error("injected error not returned")
	}
	if n := s.CallCount("StartContainer"); n != 2 {
		t.Errorf("StartContainer calls = %d", n)
	}
	if _, err := rt.CreateContainer(ctx, &runtimeapi.CreateContainerRequest{PodSandboxId: sb.PodSandboxId, Config: &runtimeapi.ContainerConfig{Image: &runtimeapi.ImageSpec{Image: "absent"}}}); err == nil {
		t.Error("created a container from an absent image")
	}
}
