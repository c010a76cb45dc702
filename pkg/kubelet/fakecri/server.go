package fakecri

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"
)

// Server is the fake runtime. The zero value is not usable: call New or Start.
type Server struct {
	runtimeapi.UnimplementedRuntimeServiceServer
	runtimeapi.UnimplementedImageServiceServer

	mu         sync.Mutex
	now        func() time.Time
	seq        int
	sandboxes  map[string]*sandbox
	containers map[string]*container
	images     map[string]*runtimeapi.Image
	pullErrs   map[string]error
	errs       map[string]error
	calls      []Call
	stopCode   int32
	exec       func(id string, cmd []string) (stdout, stderr string, code int32)

	grpc     *grpc.Server
	endpoint string
}

// Call is one recorded request: the method name (e.g. "RunPodSandbox") and the request.
type Call struct {
	Method  string
	Request any
}

type sandbox struct {
	id        string
	config    *runtimeapi.PodSandboxConfig
	state     runtimeapi.PodSandboxState
	createdAt int64
	ip        string
}

type container struct {
	id, sandboxID string
	config        *runtimeapi.ContainerConfig
	status        *runtimeapi.ContainerStatus
}

// New returns a fake runtime that is not serving yet (see Serve).
func New() *Server {
	return &Server{
		now: time.Now, sandboxes: map[string]*sandbox{}, containers: map[string]*container{},
		images: map[string]*runtimeapi.Image{}, pullErrs: map[string]error{}, errs: map[string]error{},
		stopCode: 137,
	}
}

// Start serves a new fake runtime on a unix socket in a fresh short temp dir until the test ends.
func Start(tb testing.TB) *Server {
	tb.Helper()
	dir, err := os.MkdirTemp("/tmp", "fakecri")
	if err != nil {
		tb.Fatal(err)
	}
	s := New()
	if err := s.Serve(filepath.Join(dir, "cri.sock")); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Stop(); os.RemoveAll(dir) })
	return s
}

// Serve listens on the unix socket path and serves in the background until Stop.
func (s *Server) Serve(path string) error {
	l, err := net.Listen("unix", path)
	if err != nil {
		return fmt.Errorf("listen %s: %w", path, err)
	}
	s.grpc = grpc.NewServer()
	runtimeapi.RegisterRuntimeServiceServer(s.grpc, s)
	runtimeapi.RegisterImageServiceServer(s.grpc, s)
	s.endpoint = "unix://" + path
	go s.grpc.Serve(l) //nolint:errcheck // returns when stopped
	return nil
}

// Stop stops serving (the state is kept; Serve again on another path to "restart" the runtime).
func (s *Server) Stop() {
	if s.grpc != nil {
		s.grpc.Stop()
	}
}

// Endpoint is the CRI endpoint to dial ("unix:///tmp/.../cri.sock").
func (s *Server) Endpoint() string { return s.endpoint }

// InjectError makes every later call of method (e.g. "StartContainer") fail with err, until
// InjectError(method, nil).
func (s *Server) InjectError(method string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err == nil {
		delete(s.errs, method)
		return
	}
	s.errs[method] = err
}

// Calls returns a copy of the recorded calls, oldest first.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// CallCount is how many times method was called.
func (s *Server) CallCount(method string) int {
	n := 0
	for _, c := range s.Calls() {
		if c.Method == method {
			n++
		}
	}
	return n
}

// record notes a call and returns the injected error for it; the caller holds s.mu.
func (s *Server) record(method string, req any) error {
	s.calls = append(s.calls, Call{Method: method, Request: req})
	return s.errs[method]
}

func (s *Server) newID(prefix string) string {
	s.seq++
	return fmt.Sprintf("%s%06d", prefix, s.seq)
}

func (s *Server) nanos() int64 { return s.now().UnixNano() }

// Version reports runtime "fakecri" 0.1.0 on CRI v1.
func (s *Server) Version(_ context.Context, req *runtimeapi.VersionRequest) (*runtimeapi.VersionResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.record("Version", req); err != nil {
		return nil, err
	}
	return &runtimeapi.VersionResponse{Version: "0.1.0", RuntimeName: "fakecri", RuntimeVersion: "0.1.0", RuntimeApiVersion: "v1"}, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func labelsMatch(have, want map[string]string) bool {
	for k, v := range want {
		if have[k] != v {
			return false
		}
	}
	return true
}
