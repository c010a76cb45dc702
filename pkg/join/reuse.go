package join

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"time"

	"k8s.io/client-go/tools/clientcmd"
)

// renewBefore is how long before expiry Bootstrap joins again.
const renewBefore = 30 * 24 * time.Hour

// reusable returns nil when files hold credentials Bootstrap can keep using for req.
func reusable(files Files, req Request, tok Token, now time.Time) error {
	caPEM, err := os.ReadFile(files.CA)
	if err != nil {
		return err
	}
	if hash, err := CAHash(caPEM); err != nil || tok.CAHash != "" && hash != tok.CAHash {
		return errors.New("the stored CA does not match the token")
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(caPEM)
	cfg, err := clientcmd.LoadFromFile(files.Kubeconfig)
	if err != nil {
		return err
	}
	ctx := cfg.Contexts[cfg.CurrentContext]
	if ctx == nil || cfg.Clusters[ctx.Cluster] == nil || cfg.AuthInfos[ctx.AuthInfo] == nil {
		return errors.New("kubeconfig has no current context")
	}
	if cfg.Clusters[ctx.Cluster].Server != req.ServerURL {
		return errors.New("the server URL changed")
	}
	auth := cfg.AuthInfos[ctx.AuthInfo]
	client, err := leaf(auth.ClientCertificateData, auth.ClientKeyData)
	if err != nil {
		return fmt.Errorf("client certificate: %w", err)
	}
	if client.Subject.CommonName != NodeUser(req.NodeName) {
		return errors.New("the node name changed")
	}
	if err := valid(client, roots, now, x509.ExtKeyUsageClientAuth, ""); err != nil {
		return fmt.Errorf("client certificate: %w", err)
	}
	return servingReusable(files, req, roots, now)
}

func servingReusable(files Files, req Request, roots *x509.CertPool, now time.Time) error {
	certPEM, err := os.ReadFile(files.ServingCert)
	if err != nil {
		return err
	}
	keyPEM, err := os.ReadFile(files.ServingKey)
	if err != nil {
		return err
	}
	cert, err := leaf(certPEM, keyPEM)
	if err != nil {
		return fmt.Errorf("serving certificate: %w", err)
	}
	for _, h := range append([]string{req.NodeName}, req.Addresses...) {
		if err := valid(cert, roots, now, x509.ExtKeyUsageServerAuth, h); err != nil {
			return fmt.Errorf("serving certificate: %w", err)
		}
	}
	return nil
}

// leaf parses a certificate and checks that the key belongs to it.
func leaf(certPEM, keyPEM []byte) (*x509.Certificate, error) {
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, err
	}
	return x509.ParseCertificate(pair.Certificate[0])
}

// valid verifies cert against roots for usage (and host, if set), renewBefore ahead.
func valid(cert *x509.Certificate, roots *x509.CertPool, now time.Time, usage x509.ExtKeyUsage, host string) error {
	if now.Add(renewBefore).After(cert.NotAfter) {
		return errors.New("expires soon")
	}
	if ip := net.ParseIP(host); ip != nil {
		host = ip.String()
	}
	_, err := cert.Verify(x509.VerifyOptions{Roots: roots, CurrentTime: now, KeyUsages: []x509.ExtKeyUsage{usage}, DNSName: host})
	return err
}
