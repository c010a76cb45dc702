package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/proxy"
	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"
)

// streamOptions are the query parameters of /exec and /attach.
type streamOptions struct {
	stdin, stdout, stderr, tty bool
	command                    []string
}

func parseStreamOptions(q url.Values) streamOptions {
	b := func(name string) bool { v, _ := strconv.ParseBool(q.Get(name)); return v }
	return streamOptions{stdin: b("stdin"), stdout: b("stdout"), stderr: b("stderr"), tty: b("tty"), command: q["command"]}
}

// serveExec serves /exec/{ns}/{pod}/{container}?command=...
func (s *Server) serveExec(w http.ResponseWriter, r *http.Request) {
	o := parseStreamOptions(r.URL.Query())
	if len(o.command) == 0 {
		http.Error(w, "missing command", http.StatusBadRequest)
		return
	}
	s.stream(w, r, func(ctx context.Context, pod *v1.Pod) (string, error) {
		id, _, err := s.cfg.Host.ContainerID(pod, r.PathValue("container"), false)
		if err != nil {
			return "", err
		}
		resp, err := s.cfg.Host.Runtime().Exec(ctx, &runtimeapi.ExecRequest{ContainerId: id, Cmd: o.command, Tty: o.tty, Stdin: o.stdin, Stdout: o.stdout, Stderr: o.stderr && !o.tty})
		return resp.GetUrl(), err
	})
}

// serveAttach serves /attach/{ns}/{pod}/{container}.
func (s *Server) serveAttach(w http.ResponseWriter, r *http.Request) {
	o := parseStreamOptions(r.URL.Query())
	s.stream(w, r, func(ctx context.Context, pod *v1.Pod) (string, error) {
		id, _, err := s.cfg.Host.ContainerID(pod, r.PathValue("container"), false)
		if err != nil {
			return "", err
		}
		resp, err := s.cfg.Host.Runtime().Attach(ctx, &runtimeapi.AttachRequest{ContainerId: id, Tty: o.tty, Stdin: o.stdin, Stdout: o.stdout, Stderr: o.stderr && !o.tty})
		return resp.GetUrl(), err
	})
}

// servePortForward serves /portForward/{ns}/{pod}; the ports travel in the stream headers.
func (s *Server) servePortForward(w http.ResponseWriter, r *http.Request) {
	var ports []int32
	for _, p := range r.URL.Query()["port"] {
		if n, err := strconv.ParseUint(p, 10, 16); err == nil {
			ports = append(ports, int32(n))
		}
	}
	s.stream(w, r, func(ctx context.Context, pod *v1.Pod) (string, error) {
		sandbox, err := s.sandboxID(ctx, pod)
		if err != nil {
			return "", err
		}
		resp, err := s.cfg.Host.Runtime().PortForward(ctx, &runtimeapi.PortForwardRequest{PodSandboxId: sandbox, Port: ports})
		return resp.GetUrl(), err
	})
}

// sandboxID finds the ready sandbox of pod.
func (s *Server) sandboxID(ctx context.Context, pod *v1.Pod) (string, error) {
	resp, err := s.cfg.Host.Runtime().ListPodSandbox(ctx, &runtimeapi.ListPodSandboxRequest{Filter: &runtimeapi.PodSandboxFilter{
		State:         &runtimeapi.PodSandboxStateValue{State: runtimeapi.PodSandboxState_SANDBOX_READY},
		LabelSelector: map[string]string{"io.kubernetes.pod.uid": string(pod.UID)},
	}})
	if err != nil {
		return "", err
	}
	if len(resp.GetItems()) == 0 {
		return "", fmt.Errorf("pod %s/%s has no running sandbox", pod.Namespace, pod.Name)
	}
	return resp.Items[0].Id, nil
}

// stream resolves the pod, asks CRI for a streaming URL and proxies the upgraded connection.
func (s *Server) stream(w http.ResponseWriter, r *http.Request, streamURL func(context.Context, *v1.Pod) (string, error)) {
	pod, ok := s.cfg.Host.GetPod(r.PathValue("ns"), r.PathValue("pod"))
	if !ok || r.PathValue("uid") != "" && string(pod.UID) != r.PathValue("uid") {
		http.Error(w, fmt.Sprintf("pod %s/%s not found", r.PathValue("ns"), r.PathValue("pod")), http.StatusNotFound)
		return
	}
	raw, err := streamURL(r.Context(), pod)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	loc, err := url.Parse(raw)
	if err != nil {
		http.Error(w, fmt.Sprintf("runtime streaming URL %q: %v", raw, err), http.StatusInternalServerError)
		return
	}
	h := proxy.NewUpgradeAwareHandler(loc, nil, false, true, errorResponder{s})
	h.ServeHTTP(w, r)
}

type errorResponder struct{ s *Server }

func (e errorResponder) Error(w http.ResponseWriter, _ *http.Request, err error) {
	e.s.log.Debug("stream proxy failed", "error", err)
	http.Error(w, err.Error(), http.StatusInternalServerError)
}
