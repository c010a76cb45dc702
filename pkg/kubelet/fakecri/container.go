package fakecri

import (
	"context"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"
)

// CreateContainer creates a container in state CREATED. The sandbox must exist and the image
// must be present.
func (s *Server) CreateContainer(_ context.Context, req *runtimeapi.CreateContainerRequest) (*runtimeapi.CreateContainerResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.record("CreateContainer", req); err != nil {
		return nil, err
	}
	if _, ok := s.sandboxes[req.PodSandboxId]; !ok {
		return nil, status.Errorf(codes.NotFound, "sandbox %q not found", req.PodSandboxId)
	}
	img, ok := s.images[req.Config.GetImage().GetImage()]
	if !ok {
		return nil, status.Errorf(codes.NotFound, "image %q not found", req.Config.GetImage().GetImage())
	}
	c := &container{id: s.newID("c"), sandboxID: req.PodSandboxId, config: req.Config}
	c.status = &runtimeapi.ContainerStatus{
		Id: c.id, Metadata: req.Config.Metadata, State: runtimeapi.ContainerState_CONTAINER_CREATED,
		CreatedAt: s.nanos(), Image: req.Config.Image, ImageRef: img.Id, Labels: req.Config.Labels,
		Annotations: req.Config.Annotations, Mounts: req.Config.Mounts, LogPath: req.Config.LogPath,
	}
	s.containers[c.id] = c
	return &runtimeapi.CreateContainerResponse{ContainerId: c.id}, nil
}

// StartContainer marks a created container running.
func (s *Server) StartContainer(_ context.Context, req *runtimeapi.StartContainerRequest) (*runtimeapi.StartContainerResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.record("StartContainer", req); err != nil {
		return nil, err
	}
	c, ok := s.containers[req.ContainerId]
	if !ok || c.status.State != runtimeapi.ContainerState_CONTAINER_CREATED {
		return nil, status.Errorf(codes.FailedPrecondition, "container %q not in created state", req.ContainerId)
	}
	c.status.State, c.status.StartedAt = runtimeapi.ContainerState_CONTAINER_RUNNING, s.nanos()
	return &runtimeapi.StartContainerResponse{}, nil
}

// StopContainer exits a running container with the stop exit code. Unknown IDs succeed.
func (s *Server) StopContainer(_ context.Context, req *runtimeapi.StopContainerRequest) (*runtimeapi.StopContainerResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.record("StopContainer", req); err != nil {
		return nil, err
	}
	if c, ok := s.containers[req.ContainerId]; ok && c.status.State != runtimeapi.ContainerState_CONTAINER_EXITED {
		s.exit(c, s.stopCode, "Error")
	}
	return &runtimeapi.StopContainerResponse{}, nil
}

// RemoveContainer deletes a container. Unknown IDs succeed.
func (s *Server) RemoveContainer(_ context.Context, req *runtimeapi.RemoveContainerRequest) (*runtimeapi.RemoveContainerResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.record("RemoveContainer", req); err != nil {
		return nil, err
	}
	delete(s.containers, req.ContainerId)
	return &runtimeapi.RemoveContainerResponse{}, nil
}

// ListContainers lists containers matching the filter (id, state, sandbox, labels).
func (s *Server) ListContainers(_ context.Context, req *runtimeapi.ListContainersRequest) (*runtimeapi.ListContainersResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.record("ListContainers", req); err != nil {
		return nil, err
	}
	f := req.Filter
	var out []*runtimeapi.Container
	for _, id := range sortedKeys(s.containers) {
		c := s.containers[id]
		st := c.status
		if f.GetId() != "" && f.Id != id || f.GetState() != nil && f.State.State != st.State ||
			f.GetPodSandboxId() != "" && f.PodSandboxId != c.sandboxID || !labelsMatch(st.Labels, f.GetLabelSelector()) {
			continue
		}
		out = append(out, &runtimeapi.Container{
			Id: id, PodSandboxId: c.sandboxID, Metadata: st.Metadata, Image: st.Image, ImageRef: st.ImageRef,
			State: st.State, CreatedAt: st.CreatedAt, Labels: st.Labels, Annotations: st.Annotations,
		})
	}
	return &runtimeapi.ListContainersResponse{Containers: out}, nil
}

// ContainerStatus reports a container's status.
func (s *Server) ContainerStatus(_ context.Context, req *runtimeapi.ContainerStatusRequest) (*runtimeapi.ContainerStatusResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.record("ContainerStatus", req); err != nil {
		return nil, err
	}
	c, ok := s.containers[req.ContainerId]
	if !ok {
		return nil, status.Errorf(codes.NotFound, "container %q not found", req.ContainerId)
	}
	return &runtimeapi.ContainerStatusResponse{Status: proto.Clone(c.status).(*runtimeapi.ContainerStatus)}, nil
}

// ExecSync runs the exec handler (default: exit 0, no output).
func (s *Server) ExecSync(_ context.Context, req *runtimeapi.ExecSyncRequest) (*runtimeapi.ExecSyncResponse, error) {
	s.mu.Lock()
	if err := s.record("ExecSync", req); err != nil {
		s.mu.Unlock()
		return nil, err
	}
	h := s.exec
	s.mu.Unlock()
	if h == nil {
		return &runtimeapi.ExecSyncResponse{}, nil
	}
	out, errOut, code := h(req.ContainerId, req.Cmd)
	return &runtimeapi.ExecSyncResponse{Stdout: []byte(out), Stderr: []byte(errOut), ExitCode: code}, nil
}

// SetExecHandler sets what ExecSync answers.
func (s *Server) SetExecHandler(h func(id string, cmd []string) (stdout, stderr string, code int32)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.exec = h
}

// SetStopExitCode sets the exit code StopContainer gives (default 137).
func (s *Server) SetStopExitCode(code int32) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stopCode = code
}

// exit marks c exited; the caller holds s.mu.
func (s *Server) exit(c *container, code int32, reason string) {
	c.status.State, c.status.ExitCode, c.status.Reason = runtimeapi.ContainerState_CONTAINER_EXITED, code, reason
	c.status.FinishedAt = s.nanos()
	if c.status.StartedAt == 0 {
		c.status.StartedAt = c.status.FinishedAt
	}
}

// Exit makes a running container exit with code and reason ("Completed", "Error", "OOMKilled").
// It reports whether the container was running.
func (s *Server) Exit(id string, code int32, reason string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.containers[id]
	if !ok || c.status.State != runtimeapi.ContainerState_CONTAINER_RUNNING {
		return false
	}
	s.exit(c, code, reason)
	return true
}

// DeleteContainer removes a container behind the kubelet's back.
func (s *Server) DeleteContainer(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.containers, id)
}

// Container is a snapshot of one fake container.
type Container struct {
	ID, SandboxID string
	Config        *runtimeapi.ContainerConfig
	Status        *runtimeapi.ContainerStatus
}

// Containers lists containers whose labels include labels, in creation order.
func (s *Server) Containers(labels map[string]string) []Container {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Container
	for _, id := range sortedKeys(s.containers) {
		c := s.containers[id]
		if labelsMatch(c.status.Labels, labels) {
			out = append(out, Container{ID: id, SandboxID: c.sandboxID, Config: c.config, Status: proto.Clone(c.status).(*runtimeapi.ContainerStatus)})
		}
	}
	return out
}

// SetClock replaces the time source (default time.Now).
func (s *Server) SetClock(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = now
}
