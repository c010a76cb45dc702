package server

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"google.golang.org/grpc"
	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"
)

// fakeHost serves pods from a map and containers from logs on disk.
type fakeHost struct {
	pods    map[string]*v1.Pod // ns/name
	logs    map[string]string  // container -> log path; "prev:"+container for previous
	runtime *fakeRuntime
}

func (h *fakeHost) GetPod(ns, name string) (*v1.Pod, bool) {
	p, ok := h.pods[ns+"/"+name]
	return p, ok
}

func (h *fakeHost) Runtime() runtimeapi.RuntimeServiceClient { return h.runtime }

func (h *fakeHost) ContainerID(pod *v1.Pod, container string, previous bool) (string, string, error) {
	key := container
	if previous {
		key = "prev:" + container
	}
	path, ok := h.logs[key]
	if !ok {
		return "", "", fmt.Errorf("container %s is not valid for pod %s", container, pod.Name)
	}
	return "id-" + key, path, nil
}

func (h *fakeHost) Pods() []*v1.Pod {
	var out []*v1.Pod
	for _, p := range h.pods {
		out = append(out, p)
	}
	return out
}

// fakeRuntime implements the CRI calls the API makes; the embedded interface panics on others.
type fakeRuntime struct {
	runtimeapi.RuntimeServiceClient
	mu        sync.Mutex
	running   map[string]bool
	streamURL string
	execs     []*runtimeapi.ExecRequest
	forwards  []*runtimeapi.PortForwardRequest
	stats     []*runtimeapi.ContainerStats
	listed    []*runtimeapi.Container
}

func (f *fakeRuntime) setRunning(id string, running bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.running[id] = running
}

func (f *fakeRuntime) ContainerStatus(_ context.Context, r *runtimeapi.ContainerStatusRequest, _ ...grpc.CallOption) (*runtimeapi.ContainerStatusResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	state := runtimeapi.ContainerState_CONTAINER_EXITED
	if f.running[r.ContainerId] {
		state = runtimeapi.ContainerState_CONTAINER_RUNNING
	}
	return &runtimeapi.ContainerStatusResponse{Status: &runtimeapi.ContainerStatus{Id: r.ContainerId, State: state}}, nil
}

func (f *fakeRuntime) Exec(_ context.Context, r *runtimeapi.ExecRequest, _ ...grpc.CallOption) (*runtimeapi.ExecResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.execs = append(f.execs, r)
	return &runtimeapi.ExecResponse{Url: f.streamURL + "/exec/tok"}, nil
}

func (f *fakeRuntime) Attach(_ context.Context, r *runtimeapi.AttachRequest, _ ...grpc.CallOption) (*runtimeapi.AttachResponse, error) {
	return &runtimeapi.AttachResponse{Url: f.streamURL + "/attach/tok"}, nil
}

func (f *fakeRuntime) PortForward(_ context.Context, r *runtimeapi.PortForwardRequest, _ ...grpc.CallOption) (*runtimeapi.PortForwardResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.forwards = append(f.forwards, r)
	return &runtimeapi.PortForwardResponse{Url: f.streamURL + "/portforward/tok"}, nil
}

func (f *fakeRuntime) ListPodSandbox(_ context.Context, r *runtimeapi.ListPodSandboxRequest, _ ...grpc.CallOption) (*runtimeapi.ListPodSandboxResponse, error) {
	if r.GetFilter().GetLabelSelector()["io.kubernetes.pod.uid"] == "" {
		return &runtimeapi.ListPodSandboxResponse{}, nil
	}
	return &runtimeapi.ListPodSandboxResponse{Items: []*runtimeapi.PodSandbox{{Id: "sandbox-" + r.Filter.LabelSelector["io.kubernetes.pod.uid"]}}}, nil
}

func (f *fakeRuntime) ListContainerStats(context.Context, *runtimeapi.ListContainerStatsRequest, ...grpc.CallOption) (*runtimeapi.ListContainerStatsResponse, error) {
	return &runtimeapi.ListContainerStatsResponse{Stats: f.stats}, nil
}

func (f *fakeRuntime) ListContainers(context.Context, *runtimeapi.ListContainersRequest, ...grpc.CallOption) (*runtimeapi.ListContainersResponse, error) {
	return &runtimeapi.ListContainersResponse{Containers: f.listed}, nil
}

func newHost() *fakeHost {
	pod := &v1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "default", UID: "uid-1"}}
	return &fakeHost{pods: map[string]*v1.Pod{"default/web": pod}, logs: map[string]string{}, runtime: &fakeRuntime{running: map[string]bool{}}}
}

func newTestServer(t *testing.T, h *fakeHost, procRoot string) *Server {
	t.Helper()
	s, err := New(Config{Host: h, NodeName: "node-1", ProcRoot: procRoot, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// asUser marks r as coming over TLS with a verified client certificate.
func asUser(r *http.Request, cn string, groups ...string) *http.Request {
	c := &x509.Certificate{Subject: pkix.Name{CommonName: cn, Organization: groups}}
	r.TLS = &tls.ConnectionState{VerifiedChains: [][]*x509.Certificate{{c}}}
	return r
}

// get calls the handler as the API server.
func get(t *testing.T, s *Server, path string) *httptest.ResponseRecorder {
	t.Helper()
	w := httptest.NewRecorder()
	s.Handler().ServeHTTP(w, asUser(httptest.NewRequest("GET", path, nil), APIServerUser))
	return w
}
