package apiserver_test

import (
	"bufio"
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"skiff/pkg/pki"
	"skiff/pkg/server/servertest"
)

// fakeKubelet is an HTTPS server with a certificate from the cluster CA that records calls.
type fakeKubelet struct {
	*httptest.Server
	mu    sync.Mutex
	calls []string // "CN path?query"
}

func (k *fakeKubelet) record(r *http.Request) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.calls = append(k.calls, r.TLS.PeerCertificates[0].Subject.CommonName+" "+r.URL.Path+"?"+r.URL.RawQuery)
}

func (k *fakeKubelet) last() string {
	k.mu.Lock()
	defer k.mu.Unlock()
	if len(k.calls) == 0 {
		return ""
	}
	return k.calls[len(k.calls)-1]
}

func startFakeKubelet(t *testing.T, dataDir string) *fakeKubelet {
	ca, err := pki.LoadOrCreateCA(filepath.Join(dataDir, "tls"), "skiff-ca")
	if err != nil {
		t.Fatal(err)
	}
	certPEM, keyPEM, err := ca.IssueServingCert("n1", []string{"127.0.0.1"}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	pair, _ := tls.X509KeyPair(certPEM, keyPEM)
	k := &fakeKubelet{}
	k.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		k.record(r)
		switch {
		case strings.HasPrefix(r.URL.Path, "/containerLogs/") && r.URL.Query().Get("previous") == "true":
			http.Error(w, `previous terminated container "a" in pod "p" not found`, http.StatusBadRequest)
		case strings.HasPrefix(r.URL.Path, "/containerLogs/"):
			io.WriteString(w, "line 1\nline 2\n")
		default:
			echoUpgrade(w, r)
		}
	}))
	k.TLS = &tls.Config{Certificates: []tls.Certificate{pair}, ClientCAs: ca.Pool(), ClientAuth: tls.RequireAndVerifyClientCert}
	k.StartTLS()
	t.Cleanup(k.Close)
	return k
}

// echoUpgrade answers an upgrade with 101 and echoes what it receives.
func echoUpgrade(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Upgrade") == "" {
		http.Error(w, "upgrade required", http.StatusBadRequest)
		return
	}
	conn, buf, err := w.(http.Hijacker).Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	buf.WriteString("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: " + r.Header.Get("Upgrade") + "\r\n\r\n")
	buf.Flush()
	io.Copy(conn, buf)
}

// startWithKubelet starts an API server, a fake kubelet, its node n1 and the pods p
// (containers a and b), single (only) and pending (not scheduled) in default.
func startWithKubelet(t *testing.T) (*servertest.Server, *fakeKubelet) {
	s := servertest.StartWith(t, servertest.Options{NoControllers: true})
	k := startFakeKubelet(t, s.DataDir)
	setupPods(t, s, k)
	return s, k
}

func setupPods(t *testing.T, s *servertest.Server, kubelet *fakeKubelet) {
	ctx := context.Background()
	port := kubelet.Listener.Addr().(*net.TCPAddr).Port
	node := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "n1"}}
	node, err := s.Client.CoreV1().Nodes().Create(ctx, node, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	node.Status.Addresses = []corev1.NodeAddress{{Type: corev1.NodeHostName, Address: "n1.invalid"}, {Type: corev1.NodeInternalIP, Address: "127.0.0.1"}}
	node.Status.DaemonEndpoints.KubeletEndpoint.Port = int32(port)
	if _, err := s.Client.CoreV1().Nodes().UpdateStatus(ctx, node, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []struct {
		name, node string
		containers []string
	}{{"p", "n1", []string{"a", "b"}}, {"single", "n1", []string{"only"}}, {"pending", "", []string{"a"}}} {
		pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: p.name, Namespace: "default"}, Spec: corev1.PodSpec{NodeName: p.node}}
		for _, c := range p.containers {
			pod.Spec.Containers = append(pod.Spec.Containers, corev1.Container{Name: c, Image: "img:1"})
		}
		if _, err := s.Client.CoreV1().Pods("default").Create(ctx, pod, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestPodLogsProxiedToKubelet(t *testing.T) {
	s, k := startWithKubelet(t)
	ctx := context.Background()
	tail := int64(2)
	body, err := s.Client.CoreV1().Pods("default").GetLogs("p", &corev1.PodLogOptions{Container: "a", TailLines: &tail, Follow: true, Timestamps: true}).DoRaw(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if string(body) != "line 1\nline 2\n" {
		t.Errorf("logs = %q", body)
	}
	call := k.last()
	if !strings.HasPrefix(call, "kube-apiserver-kubelet-client /containerLogs/default/p/a?") {
		t.Errorf("kubelet call %q", call)
	}
	q, _ := url.ParseQuery(call[strings.Index(call, "?")+1:])
	if q.Get("tailLines") != "2" || q.Get("follow") != "true" || q.Get("timestamps") != "true" || q.Has("container") {
		t.Errorf("kubelet query %v", q)
	}
	if _, err := s.Client.CoreV1().Pods("default").GetLogs("single", &corev1.PodLogOptions{}).DoRaw(ctx); err != nil || !strings.Contains(k.last(), "/containerLogs/default/single/only?") {
		t.Errorf("default container: %v, call %q", err, k.last())
	}
}

func TestPodLogErrors(t *testing.T) {
	s, _ := startWithKubelet(t)
	tests := []struct {
		pod  string
		opts corev1.PodLogOptions
		code int32
		msg  string
	}{
		{"nope", corev1.PodLogOptions{}, 404, `pods "nope" not found`},
		{"p", corev1.PodLogOptions{}, 400, "a container name must be specified for pod p, choose one of: [a b]"},
		{"p", corev1.PodLogOptions{Container: "x"}, 400, "container x is not valid for pod p"},
		{"pending", corev1.PodLogOptions{}, 400, "pod pending does not have a host assigned"},
		{"p", corev1.PodLogOptions{Container: "a", Previous: true}, 400, `previous terminated container "a" in pod "p" not found`},
	}
	jsonCfg := rest.CopyConfig(s.Config)
	jsonCfg.ContentType = "application/json" // as kubectl
	cs := kubernetes.NewForConfigOrDie(jsonCfg)
	for _, tt := range tests {
		t.Run(tt.msg, func(t *testing.T) {
			_, err := cs.CoreV1().Pods("default").GetLogs(tt.pod, &tt.opts).Stream(context.Background()) // as kubectl logs
			st, ok := err.(apierrors.APIStatus)
			if !ok {
				t.Fatalf("err = %v, want a Status", err)
			}
			if st.Status().Code != tt.code || st.Status().Message != tt.msg {
				t.Errorf("got %d %q, want %d %q", st.Status().Code, st.Status().Message, tt.code, tt.msg)
			}
		})
	}
}

func TestPodExecUpgradeProxied(t *testing.T) {
	s, k := startWithKubelet(t)
	for _, sub := range []string{"exec?command=sh&command=-c&container=a&stdin=true&tty=true", "attach?container=b&stdout=true", "portforward?ports=8080"} {
		t.Run(sub, func(t *testing.T) {
			conn := dialAPI(t, s.Config)
			defer conn.Close()
			io.WriteString(conn, "POST /api/v1/namespaces/default/pods/p/"+sub+" HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\n\r\n")
			rd := bufio.NewReader(conn)
			resp, err := http.ReadResponse(rd, nil)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != http.StatusSwitchingProtocols {
				b, _ := io.ReadAll(resp.Body)
				t.Fatalf("status %s: %s", resp.Status, b)
			}
			io.WriteString(conn, "ping\n")
			if line, err := rd.ReadString('\n'); line != "ping\n" {
				t.Errorf("echo %q, %v", line, err)
			}
		})
	}
	k.mu.Lock()
	calls := strings.Join(k.calls, "\n")
	k.mu.Unlock()
	for _, want := range []string{"/exec/default/p/a?command=sh&command=-c&stdin=true&tty=true", "/attach/default/p/b?stdout=true", "/portForward/default/p?ports=8080"} {
		if !strings.Contains(calls, want) {
			t.Errorf("kubelet calls %s\nmissing %s", calls, want)
		}
	}
}

func TestPodStreamingSubresourcesDiscovered(t *testing.T) {
	s := servertest.StartWith(t, servertest.Options{NoControllers: true})
	list, err := s.Client.Discovery().ServerResourcesForGroupVersion("v1")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"pods/log": "Pod", "pods/exec": "PodExecOptions", "pods/attach": "PodAttachOptions", "pods/portforward": "PodPortForwardOptions"}
	for _, r := range list.APIResources {
		if kind, ok := want[r.Name]; ok && r.Kind == kind {
			delete(want, r.Name)
		}
	}
	if len(want) > 0 {
		t.Errorf("missing from discovery: %v", want)
	}
}

// dialAPI opens a TLS connection to the API server with the admin credential.
func dialAPI(t *testing.T, cfg *rest.Config) net.Conn {
	t.Helper()
	tlsCfg, err := rest.TLSConfigFor(cfg)
	if err != nil {
		t.Fatal(err)
	}
	tlsCfg.NextProtos = []string{"http/1.1"}
	u, _ := url.Parse(cfg.Host)
	conn, err := tls.Dial("tcp", u.Host, tlsCfg)
	if err != nil {
		t.Fatal(err)
	}
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	return conn
}
