package kubelet

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	v1 "k8s.io/api/core/v1"
	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"

	"skiff/pkg/kubelet/prober"
)

// runHook runs a postStart or preStop handler of container c (CRI id) in pod: exec through
// ExecSync, httpGet against podIP (or the handler's host), or sleep. It blocks until the hook
// ends or timeout seconds pass.
func (k *Kubelet) runHook(ctx context.Context, pod *v1.Pod, c *v1.Container, id string, h *v1.LifecycleHandler, podIP string, timeout int64) error {
	switch {
	case h.Exec != nil:
		resp, err := k.rt.ExecSync(ctx, &runtimeapi.ExecSyncRequest{ContainerId: id, Cmd: h.Exec.Command, Timeout: timeout})
		if err != nil {
			return fmt.Errorf("exec %v: %s", h.Exec.Command, grpcMessage(err))
		}
		if resp.ExitCode != 0 {
			return fmt.Errorf("command '%s' exited with %d: %s", strings.Join(h.Exec.Command, " "), resp.ExitCode, resp.Stderr)
		}
		return nil
	case h.HTTPGet != nil:
		return httpHook(ctx, c, h.HTTPGet, podIP, time.Duration(timeout)*time.Second)
	case h.Sleep != nil:
		select {
		case <-ctx.Done():
		case <-k.cfg.Clock.After(time.Duration(h.Sleep.Seconds) * time.Second):
		}
		return nil
	}
	return fmt.Errorf("unsupported lifecycle handler")
}

func httpHook(ctx context.Context, c *v1.Container, g *v1.HTTPGetAction, podIP string, timeout time.Duration) error {
	req, err := prober.HTTPGetRequest(ctx, g, podIP, c.Ports, "kube-lifecycle/1.37")
	if err != nil {
		return err
	}
	resp, err := (&http.Client{Timeout: timeout}).Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20)) //nolint:errcheck // drain only
	if resp.StatusCode < 200 || resp.StatusCode >= 400 {
		return fmt.Errorf("HTTP lifecycle hook (%s) for Container %q in Pod failed with statuscode: %d", g.Path, c.Name, resp.StatusCode)
	}
	return nil
}
