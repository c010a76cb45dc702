package apiserver_test

import (
	"crypto/tls"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"skiff/pkg/apiserver"
	"skiff/pkg/pki"
)

func TestCertAuthentication(t *testing.T) {
	t.Parallel()
	api, _ := newAPIServer(t, apiserver.CertAuthenticator{})
	ca, err := pki.LoadOrCreateCA(t.TempDir(), "test-ca")
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewUnstartedServer(api)
	hs.TLS = &tls.Config{ClientAuth: tls.VerifyClientCertIfGiven, ClientCAs: ca.Pool()}
	hs.StartTLS()
	t.Cleanup(hs.Close)
	certPEM, keyPEM, err := ca.IssueClientCert("alice", []string{"system:masters"}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	anon := hs.Client()
	authed := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{
		RootCAs: anon.Transport.(*http.Transport).TLSClientConfig.RootCAs, Certificates: []tls.Certificate{cert},
	}}}
	tests := []struct {
		name   string
		client *http.Client
		path   string
		code   int
	}{
		{"anonymous list", anon, "/api/v1/namespaces", 401},
		{"anonymous discovery", anon, "/api", 401},
		{"anonymous version", anon, "/version", 401},
		{"anonymous healthz", anon, "/healthz", 200},
		{"anonymous livez", anon, "/livez", 200},
		{"anonymous readyz", anon, "/readyz", 200},
		{"client cert list", authed, "/api/v1/namespaces", 200},
		{"client cert version", authed, "/version", 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := tc.client.Get(hs.URL + tc.path)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.code {
				t.Fatalf("code %d, want %d: %s", resp.StatusCode, tc.code, body)
			}
			if tc.code != 401 {
				return
			}
			var st metav1.Status
			if err := json.Unmarshal(body, &st); err != nil || st.Kind != "Status" || st.Reason != metav1.StatusReasonUnauthorized || st.Code != 401 {
				t.Errorf("401 body is not an Unauthorized Status: %s", body)
			}
		})
	}
}
