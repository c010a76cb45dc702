package join_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"skiff/pkg/join"
	"skiff/pkg/server/servertest"
)

func TestBootstrapAgainstServer(t *testing.T) {
	s := servertest.StartWith(t, servertest.Options{NoControllers: true})
	raw, err := os.ReadFile(filepath.Join(s.DataDir, "token"))
	if err != nil {
		t.Fatal(err)
	}
	token := strings.TrimSpace(string(raw))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	dir := t.TempDir()
	req := join.Request{ServerURL: s.Config.Host, Token: token, NodeName: "node-a", Addresses: []string{"127.0.0.1"}, Dir: dir}
	path, err := join.Bootstrap(ctx, req)
	if err != nil {
		t.Fatalf("Bootstrap: %v", err)
	}
	cs := clientFor(t, path)
	if _, err := cs.CoreV1().Namespaces().Get(ctx, "default", metav1.GetOptions{}); err != nil {
		t.Errorf("node credential cannot read: %v", err)
	}
	t.Run("reuses valid credentials", func(t *testing.T) {
		before, _ := os.ReadFile(path)
		if _, err := join.Bootstrap(ctx, req); err != nil {
			t.Fatal(err)
		}
		after, _ := os.ReadFile(path)
		if string(before) != string(after) {
			t.Error("kubeconfig rewritten although still valid")
		}
	})
	t.Run("new address re-joins", func(t *testing.T) {
		r := req
		r.Addresses = []string{"127.0.0.1", "10.9.9.9"}
		before, _ := os.ReadFile(join.FilesIn(dir).ServingCert)
		if _, err := join.Bootstrap(ctx, r); err != nil {
			t.Fatal(err)
		}
		after, _ := os.ReadFile(join.FilesIn(dir).ServingCert)
		if string(before) == string(after) {
			t.Error("serving certificate not re-issued for a new address")
		}
	})
	t.Run("wrong secret", func(t *testing.T) {
		tok, _ := join.ParseToken(token)
		tok.Secret = "wrong"
		r := req
		r.Token, r.Dir = tok.String(), t.TempDir()
		_, err := join.Bootstrap(ctx, r)
		if err == nil || !strings.Contains(err.Error(), "401") {
			t.Errorf("err = %v, want 401", err)
		}
	})
	t.Run("CA hash mismatch", func(t *testing.T) {
		tok, _ := join.ParseToken(token)
		tok.CAHash = strings.Repeat("0", 64)
		r := req
		r.Token, r.Dir = tok.String(), t.TempDir()
		_, err := join.Bootstrap(ctx, r)
		if err == nil || !strings.Contains(err.Error(), "does not match the join token") {
			t.Errorf("err = %v, want CA mismatch", err)
		}
	})
}

func clientFor(t *testing.T, kubeconfig string) kubernetes.Interface {
	t.Helper()
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}
