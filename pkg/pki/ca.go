package pki

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"time"
)

// Lifetimes of what this package issues.
const (
	caValidity   = 10 * 365 * 24 * time.Hour
	leafValidity = 365 * 24 * time.Hour
	// renewBefore is how long before expiry an ensured leaf is re-issued.
	renewBefore = 30 * 24 * time.Hour
	// backdate moves NotBefore into the past to tolerate clock skew.
	backdate = 5 * time.Minute
)

// CA is a certificate authority loaded from or created in a directory
// (ca.crt, ca.key). A CA is immutable once loaded and safe for concurrent use.
type CA struct {
	cert    *x509.Certificate
	certPEM []byte
	key     crypto.Signer
	now     func() time.Time
}

// LoadOrCreateCA loads <dir>/ca.crt and <dir>/ca.key, or, when neither exists,
// creates a self-signed CA named commonName valid for 10 years and writes it
// there (the key with mode 0600, dir created if missing). It fails when only
// one of the files exists, when the key does not match the certificate, or
// when the certificate is not a CA or has expired: it never silently replaces
// an existing CA, since that would invalidate every credential it signed.
func LoadOrCreateCA(dir, commonName string) (*CA, error) {
	return loadOrCreateCA(dir, commonName, time.Now)
}

// loadOrCreateCA is LoadOrCreateCA with an injected clock.
func loadOrCreateCA(dir, commonName string, now func() time.Time) (*CA, error) {
	certFile, keyFile := pairPaths(dir, "ca")
	certPEM, keyPEM, ok, err := readPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("load CA: %w", err)
	}
	if ok {
		ca, err := parseCA(certPEM, keyPEM, now)
		if err != nil {
			return nil, fmt.Errorf("load CA from %s: %w", dir, err)
		}
		return ca, nil
	}
	return createCA(certFile, keyFile, commonName, now)
}

// createCA issues a self-signed CA and writes it to certFile and keyFile.
func createCA(certFile, keyFile, commonName string, now func() time.Time) (*CA, error) {
	key, err := newKey()
	if err != nil {
		return nil, err
	}
	tmpl, err := caTemplate(commonName, now())
	if err != nil {
		return nil, err
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, fmt.Errorf("create CA certificate: %w", err)
	}
	keyPEM, err := encodeKey(key)
	if err != nil {
		return nil, err
	}
	certPEM := encodeCert(der)
	if err := writePair(certFile, keyFile, certPEM, keyPEM); err != nil {
		return nil, fmt.Errorf("write CA: %w", err)
	}
	return parseCA(certPEM, keyPEM, now)
}

// caTemplate describes a self-signed CA certificate valid from now.
func caTemplate(commonName string, now time.Time) (*x509.Certificate, error) {
	serial, err := newSerial()
	if err != nil {
		return nil, err
	}
	return &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: commonName},
		NotBefore:             now.Add(-backdate),
		NotAfter:              now.Add(caValidity),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}, nil
}

// parseCA builds a CA from PEM data and checks that it is usable.
func parseCA(certPEM, keyPEM []byte, now func() time.Time) (*CA, error) {
	cert, err := parseCert(certPEM)
	if err != nil {
		return nil, fmt.Errorf("parse certificate: %w", err)
	}
	key, err := parseKey(keyPEM)
	if err != nil {
		return nil, fmt.Errorf("parse key: %w", err)
	}
	switch {
	case !keyMatchesCert(key, cert):
		return nil, fmt.Errorf("key does not match certificate")
	case !cert.IsCA:
		return nil, fmt.Errorf("certificate %q is not a CA", cert.Subject.CommonName)
	case now().After(cert.NotAfter):
		return nil, fmt.Errorf("CA certificate %q expired at %s", cert.Subject.CommonName, cert.NotAfter)
	}
	return &CA{cert: cert, certPEM: bytes.Clone(certPEM), key: key, now: now}, nil
}

// CertPEM returns the CA certificate in PEM form. The caller owns the slice.
func (ca *CA) CertPEM() []byte {
	return bytes.Clone(ca.certPEM)
}

// Pool returns a new pool holding only the CA certificate, for use as
// tls.Config RootCAs or ClientCAs. The caller owns the pool.
func (ca *CA) Pool() *x509.CertPool {
	pool := x509.NewCertPool()
	pool.AddCert(ca.cert)
	return pool
}
