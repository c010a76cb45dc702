package pki

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
)

// startMTLSServer serves 200 OK only to clients with a certificate from ca.
func startMTLSServer(t *testing.T, ca *CA, dir string) *httptest.Server {
	t.Helper()
	certFile, keyFile, err := ca.EnsureServingCert(dir, "apiserver", DefaultHosts(nil))
	if err != nil {
		t.Fatal(err)
	}
	pair, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(r.TLS.PeerCertificates[0].Subject.CommonName))
	}))
	srv.TLS = &tls.Config{
		Certificates: []tls.Certificate{pair},
		ClientAuth:   tls.RequireAndVerifyClientCert,
		ClientCAs:    ca.Pool(),
	}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

func TestWriteKubeconfigAuthenticates(t *testing.T) {
	ca, _, dir := newTestCA(t)
	srv := startMTLSServer(t, ca, dir)
	certPEM, keyPEM, err := ca.EnsureClientCert(dir, "admin", "admin", []string{"system:masters"})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "new", "dir", "admin.kubeconfig")
	if err := WriteKubeconfig(path, srv.URL, "skiff", ca.CertPEM(), certPEM, keyPEM); err != nil {
		t.Fatalf("WriteKubeconfig: %v", err)
	}
	if got := fileMode(t, filepath.Dir(path), filepath.Base(path)); got != 0o600 {
		t.Errorf("kubeconfig mode = %v, want 0600", got)
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", path)
	if err != nil {
		t.Fatalf("load kubeconfig: %v", err)
	}
	tests := []struct {
		name    string
		mutate  func(*rest.Config)
		wantErr bool
	}{
		{"with client certificate", func(*rest.Config) {}, false},
		{"without client certificate", func(c *rest.Config) { c.CertData, c.KeyData = nil, nil }, true},
		{"without CA", func(c *rest.Config) { c.CAData = nil }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := rest.CopyConfig(cfg)
			tt.mutate(c)
			body, err := get(c, srv.URL)
			if (err != nil) != tt.wantErr {
				t.Fatalf("GET error = %v, wantErr %v", err, tt.wantErr)
			}
			if err == nil && body != "admin" {
				t.Errorf("server saw user %q, want admin", body)
			}
		})
	}
}

// get fetches url with the transport client-go builds from c.
func get(c *rest.Config, url string) (string, error) {
	client, err := rest.HTTPClientFor(c)
	if err != nil {
		return "", err
	}
	defer client.CloseIdleConnections()
	resp, err := client.Get(url)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	buf := make([]byte, 64)
	n, _ := resp.Body.Read(buf)
	return string(buf[:n]), nil
}

func TestWriteKubeconfigContent(t *testing.T) {
	ca, _, dir := newTestCA(t)
	certPEM, keyPEM, err := ca.IssueClientCert("admin", []string{"system:masters"}, leafValidity)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "kubeconfig")
	for range 2 { // overwriting an existing file works too
		if err := WriteKubeconfig(path, "https://127.0.0.1:6443", "skiff", ca.CertPEM(), certPEM, keyPEM); err != nil {
			t.Fatal(err)
		}
	}
	cfg, err := clientcmd.LoadFromFile(path)
	if err != nil {
		t.Fatal(err)
	}
	type summary struct {
		Current, Cluster, User, Server string
		CA, Cert, Key                  string
	}
	ctx := cfg.Contexts[cfg.CurrentContext]
	if ctx == nil {
		t.Fatalf("current context %q missing", cfg.CurrentContext)
	}
	got := summary{cfg.CurrentContext, ctx.Cluster, ctx.AuthInfo, cfg.Clusters[ctx.Cluster].Server,
		string(cfg.Clusters[ctx.Cluster].CertificateAuthorityData),
		string(cfg.AuthInfos[ctx.AuthInfo].ClientCertificateData), string(cfg.AuthInfos[ctx.AuthInfo].ClientKeyData)}
	want := summary{"default", "skiff", "admin", "https://127.0.0.1:6443", string(ca.CertPEM()), string(certPEM), string(keyPEM)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("kubeconfig (-want +got):\n%s", diff)
	}
	if err := WriteKubeconfig(path, "https://x", "skiff", ca.CertPEM(), []byte("junk"), keyPEM); err == nil {
		t.Error("WriteKubeconfig with a junk certificate: want error")
	}
}
