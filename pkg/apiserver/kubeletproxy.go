package apiserver

import (
	"errors"
	"io"
	"net/http"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/proxy"
)

// proxyToKubelet serves pods/log, exec, attach and portforward by forwarding to the pod's
// kubelet with the API server's kubelet client certificate. Logs stream back as plain text;
// exec, attach and portforward pass the connection upgrade (SPDY or WebSocket) through.
func (c *call) proxyToKubelet() error {
	if c.s.kubelets == nil {
		return apierrors.NewServiceUnavailable("no kubelet client credentials configured")
	}
	if c.ri.subresource == "log" && c.r.Method != http.MethodGet {
		return apierrors.NewMethodNotSupported(c.res.gr, c.r.Method)
	}
	t, err := c.kubeletLocation()
	if err != nil {
		return err
	}
	if c.ri.subresource == "log" {
		return c.streamLogs(c.s.kubelets, t)
	}
	h := proxy.NewUpgradeAwareHandler(t.url, c.s.kubelets, false, true, proxyResponder{c})
	h.ServeHTTP(c.w, c.r)
	return nil
}

func (c *call) streamLogs(transport *http.Transport, t *kubeletTarget) error {
	req, err := http.NewRequestWithContext(c.r.Context(), http.MethodGet, t.url.String(), nil)
	if err != nil {
		return err
	}
	resp, err := transport.RoundTrip(req)
	if err != nil {
		return apierrors.NewInternalError(errors.New("failed to reach the kubelet: " + err.Error()))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		return kubeletError(resp.StatusCode, strings.TrimSpace(string(body)))
	}
	c.w.Header().Set("Content-Type", "text/plain")
	c.w.WriteHeader(http.StatusOK)
	flushCopy(c.w, resp.Body)
	return nil
}

// flushCopy copies a stream, flushing after every read so `logs -f` sees lines at once.
func flushCopy(w http.ResponseWriter, r io.Reader) {
	f, _ := w.(http.Flusher)
	buf := make([]byte, 32<<10)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			if _, werr := w.Write(buf[:n]); werr != nil {
				return
			}
			if f != nil {
				f.Flush()
			}
		}
		if err != nil {
			return
		}
	}
}

// kubeletError turns a kubelet error response into an API Status.
func kubeletError(code int, msg string) error {
	st := metav1.Status{Status: metav1.StatusFailure, Code: int32(code), Message: msg, Reason: metav1.StatusReasonBadRequest}
	switch code {
	case http.StatusNotFound:
		st.Reason = metav1.StatusReasonNotFound
	case http.StatusForbidden:
		st.Reason = metav1.StatusReasonForbidden
	case http.StatusUnauthorized:
		st.Reason = metav1.StatusReasonUnauthorized
	default:
		if code >= 500 {
			st.Reason = metav1.StatusReasonInternalError
		}
	}
	return &apierrors.StatusError{ErrStatus: st}
}

type proxyResponder struct{ c *call }

func (p proxyResponder) Error(w http.ResponseWriter, _ *http.Request, err error) {
	p.c.fail(apierrors.NewInternalError(errors.New("error proxying to the kubelet: " + err.Error())))
}
