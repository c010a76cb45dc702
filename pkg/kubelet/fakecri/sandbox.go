package fakecri

import (
	"context"
	"fmt"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"
)

// RunPodSandbox creates a ready sandbox; pods without host networking get the next IP in
// 10.88.0.0/16.
func (s *Server) RunPodSandbox(_ context.Context, req *runtimeapi.RunPodSandboxRequest) (*runtimeapi.RunPodSandboxResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.record("RunPodSandbox", req); err != nil {
		return nil, err
	}
	sb := &sandbox{id: s.newID("sb"), config: req.Config, state: runtimeapi.PodSandboxState_SANDBOX_READY, createdAt: s.nanos()}
	if ns := req.Config.GetLinux().GetSecurityContext().GetNamespaceOptions(); ns.GetNetwork() != runtimeapi.NamespaceMode_NODE {
		sb.ip = fmt.Sprintf("10.88.%d.%d", s.seq/250, s.seq%250+1)
	}
	s.sandboxes[sb.id] = sb
	return &runtimeapi.RunPodSandboxResponse{PodSandboxId: sb.id}, nil
}

// StopPodSandbox stops the sandbox's containers and marks it not ready. Unknown IDs succeed.
func (s *Server) StopPodSandbox(_ context.Context, req *runtimeapi.StopPodSandboxRequest) (*runtimeapi.StopPodSandboxResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.record("StopPodSandbox", req); err != nil {
		return nil, err
	}
	if sb, ok := s.sandboxes[req.PodSandboxId]; ok {
		sb.state = runtimeapi.PodSandboxState_SANDBOX_NOTREADY
		for _, c := range s.containers {
			if c.sandboxID == sb.id && c.status.State == runtimeapi.ContainerState_CONTAINER_RUNNING {
				s.exit(c, s.stopCode, "Error")
			}
		}
	}
	return &runtimeapi.StopPodSandboxResponse{}, nil
}

// RemovePodSandbox removes the sandbox and its containers. Unknown IDs succeed.
func (s *Server) RemovePodSandbox(_ context.Context, req *runtimeapi.RemovePodSandboxRequest) (*runtimeapi.RemovePodSandboxResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.record("RemovePodSandbox", req); err != nil {
		return nil, err
	}
	delete(s.sandboxes, req.PodSandboxId)
	for id, c := range s.containers {
		if c.sandboxID == req.PodSandboxId {
			delete(s.containers, id)
		}
	}
	return &runtimeapi.RemovePodSandboxResponse{}, nil
}

// PodSandboxStatus reports state and network status.
func (s *Server) PodSandboxStatus(_ context.Context, req *runtimeapi.PodSandboxStatusRequest) (*runtimeapi.PodSandboxStatusResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.record("PodSandboxStatus", req); err != nil {
		return nil, err
	}
	sb, ok := s.sandboxes[req.PodSandboxId]
	if !ok {
		return nil, status.Errorf(codes.NotFound, "sandbox %q not found", req.PodSandboxId)
	}
	st := &runtimeapi.PodSandboxStatus{
		Id: sb.id, Metadata: sb.config.Metadata, State: sb.state, CreatedAt: sb.createdAt,
		Labels: sb.config.Labels, Annotations: sb.config.Annotations,
	}
	if sb.ip != "" {
		st.Network = &runtimeapi.PodSandboxNetworkStatus{Ip: sb.ip}
	}
	return &runtimeapi.PodSandboxStatusResponse{Status: st}, nil
}

// ListPodSandbox lists sandboxes matching the filter (id, state, labels).
func (s *Server) ListPodSandbox(_ context.Context, req *runtimeapi.ListPodSandboxRequest) (*runtimeapi.ListPodSandboxResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.record("ListPodSandbox", req); err != nil {
		return nil, err
	}
	f := req.Filter
	var out []*runtimeapi.PodSandbox
	for _, id := range sortedKeys(s.sandboxes) {
		sb := s.sandboxes[id]
		if f.GetId() != "" && f.Id != id || f.GetState() != nil && f.State.State != sb.state || !labelsMatch(sb.config.Labels, f.GetLabelSelector()) {
			continue
		}
		out = append(out, &runtimeapi.PodSandbox{
			Id: sb.id, Metadata: sb.config.Metadata, State: sb.state, CreatedAt: sb.createdAt,
			Labels: sb.config.Labels, Annotations: sb.config.Annotations,
		})
	}
	return &runtimeapi.ListPodSandboxResponse{Items: out}, nil
}

// Sandbox returns the config a sandbox was created with and whether it is ready.
func (s *Server) Sandbox(id string) (cfg *runtimeapi.PodSandboxConfig, ready, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sb, ok := s.sandboxes[id]
	if !ok {
		return nil, false, false
	}
	return sb.config, sb.state == runtimeapi.PodSandboxState_SANDBOX_READY, true
}

// SandboxIDs lists the IDs of every sandbox, sorted (creation order).
func (s *Server) SandboxIDs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return sortedKeys(s.sandboxes)
}

// StopSandboxBehindBack marks a sandbox not ready and exits its containers, as if it died.
func (s *Server) StopSandboxBehindBack(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sb, ok := s.sandboxes[id]; ok {
		sb.state = runtimeapi.PodSandboxState_SANDBOX_NOTREADY
		for _, c := range s.containers {
			if c.sandboxID == id && c.status.State == runtimeapi.ContainerState_CONTAINER_RUNNING {
				s.exit(c, 137, "Error")
			}
		}
	}
}
