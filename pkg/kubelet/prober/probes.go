package prober

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"
)

// UserAgent is the User-Agent of HTTP probes, as upstream's kubelet 1.37.
const UserAgent = "kube-probe/1.37"

// Result of one probe run.
type Result int

// Probe results: Unknown before the first run.
const (
	Unknown Result = iota
	Success
	Failure
)

func (r Result) String() string {
	return [...]string{"Unknown", "Success", "Failure"}[r]
}

// target is what a probe needs to know about the container.
type target struct {
	podIP       string
	containerID string // CRI id, no runtime prefix
	ports       []v1.ContainerPort
}

// prober runs probes. Its zero value is not usable; see newProber.
type prober struct {
	rt runtimeapi.RuntimeServiceClient
}

// run executes p against t once. A failed probe is (Failure, output, nil); err is an internal
// error (an unknown named port, a CRI failure) whose result must be discarded, as upstream.
func (pr *prober) run(ctx context.Context, p *v1.Probe, t target) (Result, string, error) {
	timeout := time.Duration(max(p.TimeoutSeconds, 1)) * time.Second
	switch {
	case p.Exec != nil:
		return pr.exec(ctx, p.Exec.Command, t.containerID, timeout)
	case p.HTTPGet != nil:
		return httpProbe(ctx, p.HTTPGet, t, timeout)
	case p.TCPSocket != nil:
		return tcpProbe(ctx, p.TCPSocket, t, timeout)
	case p.GRPC != nil:
		return grpcProbe(ctx, p.GRPC, t.podIP, timeout)
	}
	return Unknown, "", errors.New("missing probe handler")
}

func (pr *prober) exec(ctx context.Context, cmd []string, id string, timeout time.Duration) (Result, string, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout+2*time.Second) // the runtime enforces timeout
	defer cancel()
	resp, err := pr.rt.ExecSync(ctx, &runtimeapi.ExecSyncRequest{ContainerId: id, Cmd: cmd, Timeout: int64(timeout / time.Second)})
	if status.Code(err) == codes.DeadlineExceeded || errors.Is(err, context.DeadlineExceeded) {
		return Failure, fmt.Sprintf("command %q timed out", strings.Join(cmd, " ")), nil
	}
	if err != nil {
		return Unknown, "", fmt.Errorf("exec probe: %w", err)
	}
	out := string(resp.Stdout) + string(resp.Stderr)
	if resp.ExitCode != 0 {
		return Failure, out, nil
	}
	return Success, out, nil
}

// resolvePort is the number of a probe's port, looked up by name in the container's ports.
func resolvePort(p intstr.IntOrString, ports []v1.ContainerPort) (int, error) {
	if p.Type == intstr.Int {
		if n := p.IntValue(); n > 0 && n < 65536 {
			return n, nil
		}
		return 0, fmt.Errorf("invalid port number: %v", p.IntValue())
	}
	for _, cp := range ports {
		if cp.Name == p.StrVal {
			return int(cp.ContainerPort), nil
		}
	}
	if n, err := strconv.Atoi(p.StrVal); err == nil && n > 0 && n < 65536 {
		return n, nil
	}
	return 0, fmt.Errorf("couldn't find port: %v in container", p.StrVal)
}

func hostOr(host, podIP string) string {
	if host != "" {
		return host
	}
	return podIP
}

// httpProbe is upstream's HTTP prober: 200-399 succeed; redirects are followed on the same
// host only (a redirect elsewhere counts as success); TLS is not verified.
func httpProbe(ctx context.Context, g *v1.HTTPGetAction, t target, timeout time.Duration) (Result, string, error) {
	req, err := HTTPGetRequest(ctx, g, t.podIP, t.ports, UserAgent)
	if err != nil {
		return Unknown, "", err
	}
	resp, err := probeClient(timeout).Do(req)
	if err != nil {
		return Failure, err.Error(), nil
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 10*1024))
	if resp.StatusCode >= 200 && resp.StatusCode < 400 {
		return Success, string(body), nil
	}
	return Failure, fmt.Sprintf("HTTP probe failed with statuscode: %d", resp.StatusCode), nil
}

// HTTPGetRequest is the request of httpGet action g (of a probe or a lifecycle hook) of a
// container with ports: sent to g.Host or podIP, with userAgent and g's headers ("Host" sets
// the request's host).
func HTTPGetRequest(ctx context.Context, g *v1.HTTPGetAction, podIP string, ports []v1.ContainerPort, userAgent string) (*http.Request, error) {
	port, err := resolvePort(g.Port, ports)
	if err != nil {
		return nil, err
	}
	host := hostOr(g.Host, podIP)
	scheme := strings.ToLower(string(g.Scheme))
	if scheme == "" {
		scheme = "http"
	}
	path := g.Path
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	u, err := url.Parse(scheme + "://" + net.JoinHostPort(host, strconv.Itoa(port)) + path)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", userAgent)
	req.Header.Set("Accept", "*/*")
	for _, h := range g.HTTPHeaders {
		if strings.EqualFold(h.Name, "Host") {
			req.Host = h.Value
			continue
		}
		req.Header.Add(h.Name, h.Value)
	}
	return req, nil
}

func probeClient(timeout time.Duration) *http.Client {
	return &http.Client{
		Timeout: timeout,
		Transport: &http.Transport{
			TLSClientConfig:   &tls.Config{InsecureSkipVerify: true}, //nolint:gosec // as upstream
			DisableKeepAlives: true,
			Proxy:             nil,
		},
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if req.URL.Hostname() != via[0].URL.Hostname() || len(via) >= 10 {
				return http.ErrUseLastResponse
			}
			return nil
		},
	}
}

func tcpProbe(ctx context.Context, s *v1.TCPSocketAction, t target, timeout time.Duration) (Result, string, error) {
	port, err := resolvePort(s.Port, t.ports)
	if err != nil {
		return Unknown, "", err
	}
	d := net.Dialer{Timeout: timeout}
	conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort(hostOr(s.Host, t.podIP), strconv.Itoa(port)))
	if err != nil {
		return Failure, err.Error(), nil
	}
	_ = conn.Close()
	return Success, "", nil
}

// grpcProbe calls grpc.health.v1.Health/Check on the pod IP, as upstream's gRPC prober.
func grpcProbe(ctx context.Context, g *v1.GRPCAction, podIP string, timeout time.Duration) (Result, string, error) {
	addr := net.JoinHostPort(podIP, strconv.Itoa(int(g.Port)))
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()), grpc.WithUserAgent(UserAgent))
	if err != nil {
		return Failure, fmt.Sprintf("timeout: failed to connect service %q within %v: %+v", addr, timeout, err), nil
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	service := ""
	if g.Service != nil {
		service = *g.Service
	}
	resp, err := healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{Service: service})
	switch status.Code(err) {
	case codes.OK:
	case codes.Unimplemented:
		return Failure, fmt.Sprintf("this server does not implement the grpc health protocol (grpc.health.v1.Health): %s", status.Convert(err).Message()), nil
	case codes.DeadlineExceeded:
		return Failure, fmt.Sprintf("timeout: health rpc did not complete within %v", timeout), nil
	case codes.Unavailable:
		return Failure, fmt.Sprintf("timeout: failed to connect service %q within %v: %+v", addr, timeout, err), nil
	default:
		return Failure, fmt.Sprintf("error: health rpc probe failed: %+v", err), nil
	}
	if resp.GetStatus() != healthpb.HealthCheckResponse_SERVING {
		return Failure, fmt.Sprintf("service unhealthy (responded with %q)", resp.GetStatus().String()), nil
	}
	return Success, "", nil
}
