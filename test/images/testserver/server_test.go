package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRoutes drives the HTTP endpoints in order; toggles change later answers.
func TestRoutes(t *testing.T) {
	file := filepath.Join(t.TempDir(), "f")
	os.WriteFile(file, []byte("content"), 0o644)
	t.Setenv("TESTSERVER_X", "y")
	srv := httptest.NewServer(newServer().routes())
	defer srv.Close()
	tests := []struct {
		path     string
		wantCode int
		wantBody string
	}{
		{"/healthz", 200, "ok"},
		{"/readyz", 200, "ok"},
		{"/healthz/fail", 200, "/healthz/fail"},
		{"/healthz", 500, "fail"},
		{"/healthz/ok", 200, ""},
		{"/healthz", 200, "ok"},
		{"/readyz/fail", 200, ""},
		{"/readyz", 503, "fail"},
		{"/readyz/ok", 200, ""},
		{"/readyz", 200, "ok"},
		{"/env", 200, "TESTSERVER_X=y"},
		{"/file?path=" + file, 200, "content"},
		{"/file?path=/nonexistent", 404, "no such file"},
		{"/alloc?mb=2", 200, "allocated 2 MiB, 2 MiB in total"},
		{"/burn?seconds=0.05&workers=2", 200, "burned 0.05s on 2 workers"},
		{"/sleep?seconds=0.01", 200, "slept"},
		{"/log?msg=hello", 200, "logged"},
		{"/", 200, "testserver "},
	}
	for _, tt := range tests {
		resp, err := http.Get(srv.URL + tt.path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tt.wantCode || !strings.Contains(string(body), tt.wantBody) {
			t.Errorf("GET %s = %d %q, want %d containing %q", tt.path, resp.StatusCode, body, tt.wantCode, tt.wantBody)
		}
	}
}

func TestEnvDuration(t *testing.T) {
	tests := []struct {
		val  string
		want string
	}{{"", "0s"}, {"2", "2s"}, {"1.5s", "1.5s"}, {"0.25", "250ms"}, {"bad", "0s"}}
	for _, tt := range tests {
		t.Setenv("D", tt.val)
		if got := envDuration("D").String(); got != tt.want {
			t.Errorf("envDuration(%q) = %s, want %s", tt.val, got, tt.want)
		}
	}
}
