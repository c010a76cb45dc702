package server_test

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"io"
	"log/slog"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"skiff/pkg/etcd/etcdtest"
	"skiff/pkg/server"
)

// TestInProcessAgentGetsNodeCredential checks that the in-process agent is started after the
// API is ready with a node certificate issued from the CA, not the admin credential.
func TestInProcessAgentGetsNodeCredential(t *testing.T) {
	started := make(chan server.AgentConfig, 1)
	s, err := server.New(server.Config{
		DataDir: t.TempDir(), BindAddress: "127.0.0.1", HTTPSPort: etcdtest.FreePort(t),
		EtcdClientPort: etcdtest.FreePort(t), EtcdPeerPort: etcdtest.FreePort(t), DisableControllers: true,
		NodeName: "node-x", NodeIP: "127.0.0.1", Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Agent: func(ctx context.Context, cfg server.AgentConfig) error {
			started <- cfg
			<-ctx.Done()
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	defer func() { cancel(); <-done }()
	var cfg server.AgentConfig
	select {
	case cfg = <-started:
	case err := <-done:
		t.Fatalf("server stopped: %v", err)
	case <-time.After(60 * time.Second):
		t.Fatal("agent not started")
	}
	kc, err := clientcmd.LoadFromFile(cfg.Kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(kc.AuthInfos[kc.Contexts[kc.CurrentContext].AuthInfo].ClientCertificateData)
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if cert.Subject.CommonName != "system:node:node-x" || len(cert.Subject.Organization) != 1 || cert.Subject.Organization[0] != "system:nodes" {
		t.Errorf("agent credential subject %v", cert.Subject)
	}
	rc, err := clientcmd.BuildConfigFromFlags("", cfg.Kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	cs := kubernetes.NewForConfigOrDie(rc)
	if _, err := cs.CoreV1().Namespaces().Get(ctx, "kube-system", metav1.GetOptions{}); err != nil {
		t.Errorf("node credential rejected: %v", err)
	}
}
