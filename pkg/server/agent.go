package server

import (
	"context"
	"fmt"
	"path/filepath"

	"skiff/pkg/join"
	"skiff/pkg/pki"
)

// AgentConfig is what the in-process node agent is started with.
type AgentConfig struct {
	// DataDir is <server-data-dir>/agent.
	DataDir string
	// Kubeconfig is a node credential (CN=system:node:<NodeName>) the server issued from its CA.
	Kubeconfig       string
	NodeName, NodeIP string
}

// AgentFunc runs a node agent until ctx ends. `skiff server` sets it to pkg/agent, which
// keeps the container runtime and kubelet out of this package's dependencies.
type AgentFunc func(ctx context.Context, cfg AgentConfig) error

// runAgent issues the in-process agent's node certificates directly from the CA (it never
// uses the admin credential) once the API is ready, then runs it.
func (s *Server) runAgent(ctx context.Context, ca *pki.CA) error {
	if s.cfg.Agent == nil {
		s.log.Warn("no node agent linked in; running the control plane only")
		return nil
	}
	a := AgentConfig{DataDir: filepath.Join(s.cfg.DataDir, "agent"), NodeName: s.cfg.NodeName, NodeIP: s.cfg.NodeIP}
	if a.NodeName == "" {
		a.NodeName = join.DefaultNodeName()
	}
	if a.NodeIP == "" {
		a.NodeIP = join.DefaultNodeIP()
	}
	b, err := join.Issue(ca, a.NodeName, []string{a.NodeIP})
	if err != nil {
		return fmt.Errorf("in-process agent credentials: %w", err)
	}
	files, err := b.Write(a.DataDir, s.URL())
	if err != nil {
		return fmt.Errorf("in-process agent credentials: %w", err)
	}
	a.Kubeconfig = files.Kubeconfig
	select {
	case <-s.ready:
	case <-ctx.Done():
		return nil
	}
	return s.cfg.Agent(ctx, a)
}
