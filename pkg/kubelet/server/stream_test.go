package server

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// newStreamTestServer is a kubelet API server over a host whose pod "web" has container
// "app", and whose runtime streams to a stand-in for the CRI streaming server: it answers an
// upgrade with 101 and echoes the bytes it receives; it records the paths it was asked for.
func newStreamTestServer(t *testing.T) (*fakeHost, *Server, chan string) {
	paths := make(chan string, 4)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		paths <- r.URL.Path
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		buf.WriteString("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: " + r.Header.Get("Upgrade") + "\r\n\r\n")
		buf.Flush()
		io.Copy(conn, buf)
	}))
	t.Cleanup(srv.Close)
	h := newHost()
	h.logs["app"] = "/dev/null"
	h.runtime.streamURL = srv.URL
	return h, newTestServer(t, h, ""), paths
}

// upgrade sends an upgrade request for path through the kubelet API and checks the echo.
func upgrade(t *testing.T, s *Server, path string) {
	t.Helper()
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Handler().ServeHTTP(w, asUser(r, APIServerUser))
	}))
	defer front.Close()
	conn, err := net.Dial("tcp", front.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	io.WriteString(conn, "POST "+path+" HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\n\r\n")
	rd := bufio.NewReader(conn)
	resp, err := http.ReadResponse(rd, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		body, _ := io.ReadAll(resp.Body)
		t.Fatalf("status %s: %s", resp.Status, body)
	}
	io.WriteString(conn, "ping\n")
	line, err := rd.ReadString('\n')
	if err != nil || line != "ping\n" {
		t.Errorf("echo = %q, %v", line, err)
	}
}

func TestExecProxiesUpgrade(t *testing.T) {
	h, s, paths := newStreamTestServer(t)
	upgrade(t, s, "/exec/default/web/app?command=sh&command=-c&command=echo+hi&stdin=true&stdout=true&stderr=true&tty=true")
	if p := <-paths; p != "/exec/tok" {
		t.Errorf("streaming server got %s", p)
	}
	r := h.runtime.execs[0]
	if r.ContainerId != "id-app" || strings.Join(r.Cmd, " ") != "sh -c echo hi" || !r.Tty || !r.Stdin || !r.Stdout || r.Stderr {
		t.Errorf("ExecRequest = %+v", r)
	}
}

func TestAttachAndPortForward(t *testing.T) {
	h, s, paths := newStreamTestServer(t)
	upgrade(t, s, "/attach/default/web/app?stdin=1&stdout=1")
	if p := <-paths; p != "/attach/tok" {
		t.Errorf("attach: streaming server got %s", p)
	}
	upgrade(t, s, "/portForward/default/web?port=8080")
	if p := <-paths; p != "/portforward/tok" {
		t.Errorf("portforward: streaming server got %s", p)
	}
	if f := h.runtime.forwards[0]; f.PodSandboxId != "sandbox-uid-1" || len(f.Port) != 1 || f.Port[0] != 8080 {
		t.Errorf("PortForwardRequest = %+v", f)
	}
}

func TestStreamErrors(t *testing.T) {
	s := newTestServer(t, newHost(), "")
	tests := []struct {
		path string
		code int
	}{
		{"/exec/default/web/app", 400},                      // no command
		{"/exec/default/nope/app?command=sh", 404},          // no pod
		{"/exec/default/web/missing?command=sh", 400},       // no container
		{"/exec/default/web/wrong-uid/app?command=sh", 404}, // uid mismatch
		{"/attach/default/web/missing", 400},
	}
	for _, tt := range tests {
		if w := get(t, s, tt.path); w.Code != tt.code {
			t.Errorf("%s: code %d, want %d (%s)", tt.path, w.Code, tt.code, w.Body)
		}
	}
}
