package join

import (
	"crypto/x509"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestHandler(t *testing.T) {
	ca := newCA(t)
	tok, err := LoadOrCreateToken(t.TempDir(), ca.CertPEM())
	if err != nil {
		t.Fatal(err)
	}
	h := &Handler{CA: ca, Token: tok}
	body := `{"nodeName":"node-1","addresses":["10.0.0.7"]}`
	tests := []struct {
		name, method, path, auth, body string
		want                           int
	}{
		{"full token", "POST", JoinPath, "Bearer " + tok.String(), body, 200},
		{"bare secret", "POST", JoinPath, "Bearer " + tok.Secret, body, 200},
		{"wrong token", "POST", JoinPath, "Bearer nope", body, 401},
		{"no token", "POST", JoinPath, "", body, 401},
		{"bad node name", "POST", JoinPath, "Bearer " + tok.Secret, `{"nodeName":"Bad_Name"}`, 400},
		{"GET join", "GET", JoinPath, "", "", 405},
		{"cacerts", "GET", CACertsPath, "", "", 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, tt.path, strings.NewReader(tt.body))
			if tt.auth != "" {
				r.Header.Set("Authorization", tt.auth)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != tt.want {
				t.Fatalf("code %d, want %d: %s", w.Code, tt.want, w.Body)
			}
			if tt.want >= 400 {
				var st metav1.Status
				if err := json.Unmarshal(w.Body.Bytes(), &st); err != nil || st.Kind != "Status" || int(st.Code) != tt.want {
					t.Errorf("body is not a Status with code %d: %s", tt.want, w.Body)
				}
			}
		})
	}
}

func TestIssue(t *testing.T) {
	ca := newCA(t)
	b, err := Issue(ca, "node-1", []string{"10.0.0.7", "node-1.example"})
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(b.CA)
	client, err := leaf(b.ClientCert, b.ClientKey)
	if err != nil {
		t.Fatal(err)
	}
	if client.Subject.CommonName != "system:node:node-1" || len(client.Subject.Organization) != 1 || client.Subject.Organization[0] != "system:nodes" {
		t.Errorf("client subject %v", client.Subject)
	}
	if err := valid(client, roots, time.Now(), x509.ExtKeyUsageClientAuth, ""); err != nil {
		t.Errorf("client cert: %v", err)
	}
	serving, err := leaf(b.ServingCert, b.ServingKey)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{"node-1", "10.0.0.7", "node-1.example"} {
		if err := valid(serving, roots, time.Now(), x509.ExtKeyUsageServerAuth, h); err != nil {
			t.Errorf("serving cert for %s: %v", h, err)
		}
	}
}
