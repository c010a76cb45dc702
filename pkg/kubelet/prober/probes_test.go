package prober

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"
)

// fakeRuntime answers ExecSync from a table of commands; other methods panic.
type fakeRuntime struct {
	runtimeapi.RuntimeServiceClient
	exec func(req *runtimeapi.ExecSyncRequest) (*runtimeapi.ExecSyncResponse, error)
}

func (f *fakeRuntime) ExecSync(_ context.Context, req *runtimeapi.ExecSyncRequest, _ ...grpc.CallOption) (*runtimeapi.ExecSyncResponse, error) {
	return f.exec(req)
}

func hostPort(t *testing.T, addr string) (string, int) {
	t.Helper()
	h, p, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	n, _ := strconv.Atoi(p)
	return h, n
}

type probeCase struct {
	name       string
	probe      *v1.Probe
	want       Result
	wantOutput string // substring
	wantErr    bool
}

func runCases(t *testing.T, pr *prober, tg target, cases []probeCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, out, err := pr.run(context.Background(), tc.probe, tg)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tc.wantErr)
			}
			if got != tc.want || !strings.Contains(out, tc.wantOutput) {
				t.Errorf("result = %v %q, want %v containing %q", got, out, tc.want, tc.wantOutput)
			}
		})
	}
}

func TestHTTPProbe(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/ok":
			if r.UserAgent() != UserAgent || r.Header.Get("X-Custom") != "yes" || r.Host != "example.test" {
				w.WriteHeader(http.StatusBadRequest)
			}
		case "/redirect":
			http.Redirect(w, r, "/ok", http.StatusFound)
		case "/elsewhere":
			http.Redirect(w, r, "http://elsewhere.invalid/", http.StatusFound)
		default:
			w.WriteHeader(http.StatusInternalServerError)
		}
	}))
	defer srv.Close()
	host, port := hostPort(t, srv.Listener.Addr().String())
	get := func(path string, p intstr.IntOrString) *v1.Probe {
		return &v1.Probe{ProbeHandler: v1.ProbeHandler{HTTPGet: &v1.HTTPGetAction{Path: path, Port: p,
			HTTPHeaders: []v1.HTTPHeader{{Name: "X-Custom", Value: "yes"}, {Name: "Host", Value: "example.test"}}}}}
	}
	tg := target{podIP: host, ports: []v1.ContainerPort{{Name: "http", ContainerPort: int32(port)}}}
	runCases(t, &prober{}, tg, []probeCase{
		{"ok by number", get("/ok", intstr.FromInt(port)), Success, "", false},
		{"ok by name", get("ok", intstr.FromString("http")), Success, "", false},
		{"500", get("/fail", intstr.FromInt(port)), Failure, "HTTP probe failed with statuscode: 500", false},
		{"same-host redirect followed", get("/redirect", intstr.FromInt(port)), Success, "", false},
		{"other-host redirect is success", get("/elsewhere", intstr.FromInt(port)), Success, "", false},
		{"unknown port name", get("/ok", intstr.FromString("nope")), Unknown, "", true},
		{"refused", get("/ok", intstr.FromInt(closedPort(t))), Failure, "connection refused", false},
	})
}

func closedPort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, p := hostPort(t, l.Addr().String())
	l.Close()
	return p
}

func TestTCPProbe(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	_, port := hostPort(t, l.Addr().String())
	tcp := func(p int) *v1.Probe {
		return &v1.Probe{ProbeHandler: v1.ProbeHandler{TCPSocket: &v1.TCPSocketAction{Port: intstr.FromInt(p)}}}
	}
	runCases(t, &prober{}, target{podIP: "127.0.0.1"}, []probeCase{
		{"open", tcp(port), Success, "", false},
		{"closed", tcp(closedPort(t)), Failure, "connection refused", false},
	})
}

func TestGRPCProbe(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := grpc.NewServer()
	hs := health.NewServer()
	hs.SetServingStatus("down", healthpb.HealthCheckResponse_NOT_SERVING)
	healthpb.RegisterHealthServer(s, hs)
	go s.Serve(l)
	defer s.Stop()
	bare, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s2 := grpc.NewServer()
	go s2.Serve(bare)
	defer s2.Stop()
	probe := func(addr, service string) *v1.Probe {
		_, port := hostPort(t, addr)
		return &v1.Probe{TimeoutSeconds: 1, ProbeHandler: v1.ProbeHandler{GRPC: &v1.GRPCAction{Port: int32(port), Service: &service}}}
	}
	runCases(t, &prober{}, target{podIP: "127.0.0.1"}, []probeCase{
		{"serving", probe(l.Addr().String(), ""), Success, "", false},
		{"not serving", probe(l.Addr().String(), "down"), Failure, `service unhealthy (responded with "NOT_SERVING")`, false},
		{"unknown service", probe(l.Addr().String(), "nope"), Failure, "error: health rpc probe failed", false},
		{"unimplemented", probe(bare.Addr().String(), ""), Failure, "does not implement the grpc health protocol", false},
		{"closed", probe("127.0.0.1:"+strconv.Itoa(closedPort(t)), ""), Failure, "failed to connect service", false},
	})
}

func TestExecProbe(t *testing.T) {
	rt := &fakeRuntime{exec: func(req *runtimeapi.ExecSyncRequest) (*runtimeapi.ExecSyncResponse, error) {
		if req.ContainerId != "abc" || req.Timeout != 3 {
			return nil, status.Error(codes.InvalidArgument, "bad request")
		}
		switch req.Cmd[0] {
		case "true":
			return &runtimeapi.ExecSyncResponse{}, nil
		case "false":
			return &runtimeapi.ExecSyncResponse{ExitCode: 1, Stdout: []byte("out "), Stderr: []byte("err")}, nil
		case "sleep":
			return nil, status.Error(codes.DeadlineExceeded, "timeout")
		}
		return nil, status.Error(codes.NotFound, "no container")
	}}
	exec := func(cmd ...string) *v1.Probe {
		return &v1.Probe{TimeoutSeconds: 3, ProbeHandler: v1.ProbeHandler{Exec: &v1.ExecAction{Command: cmd}}}
	}
	runCases(t, &prober{rt: rt}, target{containerID: "abc"}, []probeCase{
		{"exit 0", exec("true"), Success, "", false},
		{"exit 1", exec("false"), Failure, "out err", false},
		{"timeout", exec("sleep", "10"), Failure, `command "sleep 10" timed out`, false},
		{"runtime error", exec("gone"), Unknown, "", true},
	})
}
