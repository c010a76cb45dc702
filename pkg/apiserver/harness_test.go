package apiserver_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"skiff/pkg/apiserver"
	"skiff/pkg/etcd/etcdtest"
	"skiff/pkg/openapi"
)

// testServer is a real API server over a real embedded etcd, reachable over plain HTTP.
type testServer struct {
	t    *testing.T
	url  string
	etcd *clientv3.Client
	cfg  *rest.Config
	kube kubernetes.Interface
	dyn  dynamic.Interface
}

// newOpenAPI builds the OpenAPI spec once per test binary: it is immutable once built.
var newOpenAPI = sync.OnceValues(func() (*openapi.Spec, error) {
	scheme, err := apiserver.NewScheme()
	if err != nil {
		return nil, err
	}
	var res []openapi.Resource
	for _, r := range apiserver.Resources() {
		res = append(res, openapi.Resource{GVK: r.GVK, Resource: r.Resource, Namespaced: r.Namespaced, Subresources: r.Subresources, Verbs: r.Verbs})
	}
	return openapi.New(scheme, res)
})

// newAPIServer returns an apiserver over a fresh etcd, with the server wiring of pkg/server.
func newAPIServer(t *testing.T, auth apiserver.Authenticator) (*apiserver.Server, *clientv3.Client) {
	t.Helper()
	client := etcdtest.Start(t)
	spec, err := newOpenAPI()
	if err != nil {
		t.Fatalf("openapi: %v", err)
	}
	api, err := apiserver.New(apiserver.Config{Etcd: client, OpenAPI: spec, Authenticator: auth})
	if err != nil {
		t.Fatalf("apiserver.New: %v", err)
	}
	return api, client
}

// start runs a server for one test, with namespace "default" created.
func start(t *testing.T) *testServer {
	t.Helper()
	api, client := newAPIServer(t, nil)
	hs := httptest.NewServer(api)
	t.Cleanup(hs.Close)
	cfg := &rest.Config{Host: hs.URL, QPS: -1, UserAgent: "skiff-test/v1"}
	ts := &testServer{t: t, url: hs.URL, etcd: client, cfg: cfg}
	ts.kube = kubernetes.NewForConfigOrDie(cfg)
	ts.dyn = dynamic.NewForConfigOrDie(cfg)
	ts.namespace("default")
	return ts
}

func (ts *testServer) ctx() context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	ts.t.Cleanup(cancel)
	return ctx
}

// namespace creates a namespace.
func (ts *testServer) namespace(name string) *corev1.Namespace {
	ts.t.Helper()
	ns, err := ts.kube.CoreV1().Namespaces().Create(ts.ctx(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{})
	if err != nil {
		ts.t.Fatalf("create namespace %s: %v", name, err)
	}
	return ns
}

// response is a raw HTTP answer.
type response struct {
	code   int
	header http.Header
	body   []byte
}

// do sends a raw request; hdr holds header name/value pairs.
func (ts *testServer) do(method, path, contentType string, body []byte, hdr ...string) response {
	ts.t.Helper()
	req, err := http.NewRequestWithContext(ts.ctx(), method, ts.url+path, bytes.NewReader(body))
	if err != nil {
		ts.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		ts.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		ts.t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	return response{code: resp.StatusCode, header: resp.Header, body: data}
}

// status decodes the body as a metav1.Status, failing the test when it is not one.
func (r response) status(t *testing.T) metav1.Status {
	t.Helper()
	var st metav1.Status
	if err := json.Unmarshal(r.body, &st); err != nil || st.Kind != "Status" || st.APIVersion != "v1" {
		t.Fatalf("body is not a metav1.Status (err %v): %s", err, r.body)
	}
	if int(st.Code) != r.code {
		t.Errorf("Status.code = %d, HTTP code %d", st.Code, r.code)
	}
	return st
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// eventually polls f until it returns nil or 10 seconds pass.
func eventually(t *testing.T, f func() error) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := f()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func ptr[T any](v T) *T { return &v }

// reasonOf is the StatusReason of an API error ("" for nil).
func reasonOf(err error) metav1.StatusReason { return apierrors.ReasonForError(err) }

// codeOf is the HTTP code of an API error (0 for nil or non-API errors).
func codeOf(err error) int32 {
	var st apierrors.APIStatus
	if errors.As(err, &st) {
		return st.Status().Code
	}
	return 0
}

func asStatus(err error, st *apierrors.APIStatus) bool { return errors.As(err, st) }
