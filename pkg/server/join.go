package server

import (
	"crypto/tls"
	"fmt"
	"net/http"
	"time"

	"skiff/pkg/join"
	"skiff/pkg/pki"
)

// KubeletClientUser is the identity the API server presents to kubelets.
const KubeletClientUser = "kube-apiserver-kubelet-client"

// withJoin loads or creates the join token (<data-dir>/token) and serves the join endpoints
// next to the API.
func (s *Server) withJoin(api http.Handler, ca *pki.CA) (http.Handler, error) {
	tok, err := join.LoadOrCreateToken(s.cfg.DataDir, ca.CertPEM())
	if err != nil {
		return nil, fmt.Errorf("join token: %w", err)
	}
	mux := http.NewServeMux()
	jh := &join.Handler{CA: ca, Token: tok, Log: s.log.With("component", "join")}
	mux.Handle(join.JoinPath, jh)
	mux.Handle(join.CACertsPath, jh)
	mux.Handle("/", api)
	return mux, nil
}

// kubeletClientTLS is the TLS config the API server dials kubelets with: a client certificate
// CN=kube-apiserver-kubelet-client, O=system:masters, and the cluster CA as the only root.
func kubeletClientTLS(ca *pki.CA) (*tls.Config, error) {
	certPEM, keyPEM, err := ca.IssueClientCert(KubeletClientUser, []string{"system:masters"}, 365*24*time.Hour)
	if err != nil {
		return nil, fmt.Errorf("kubelet client certificate: %w", err)
	}
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, err
	}
	return &tls.Config{Certificates: []tls.Certificate{pair}, RootCAs: ca.Pool(), MinVersion: tls.VersionTLS12}, nil
}
