package pki

import (
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"net"
	"time"
)

// leafSpec is what varies between the leaf certificates a CA issues.
type leafSpec struct {
	subject     pkix.Name
	dnsNames    []string
	ips         []net.IP
	extKeyUsage x509.ExtKeyUsage
	validity    time.Duration
}

// issue creates a fresh key and a certificate for it signed by ca. The
// certificate never outlives the CA.
func (ca *CA) issue(spec leafSpec) (certPEM, keyPEM []byte, err error) {
	key, err := newKey()
	if err != nil {
		return nil, nil, err
	}
	tmpl, err := ca.leafTemplate(spec)
	if err != nil {
		return nil, nil, err
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, key.Public(), ca.key)
	if err != nil {
		return nil, nil, fmt.Errorf("sign certificate for %q: %w", spec.subject.CommonName, err)
	}
	keyPEM, err = encodeKey(key)
	if err != nil {
		return nil, nil, err
	}
	return encodeCert(der), keyPEM, nil
}

// leafTemplate turns spec into an x509 template valid from now.
func (ca *CA) leafTemplate(spec leafSpec) (*x509.Certificate, error) {
	serial, err := newSerial()
	if err != nil {
		return nil, err
	}
	now := ca.now()
	notAfter := now.Add(spec.validity)
	if notAfter.After(ca.cert.NotAfter) {
		notAfter = ca.cert.NotAfter
	}
	return &x509.Certificate{
		SerialNumber:          serial,
		Subject:               spec.subject,
		DNSNames:              spec.dnsNames,
		IPAddresses:           spec.ips,
		NotBefore:             now.Add(-backdate),
		NotAfter:              notAfter,
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{spec.extKeyUsage},
		BasicConstraintsValid: true,
	}, nil
}

// stillGood reports whether cert chains to ca for usage and is more than
// renewBefore away from expiry.
func (ca *CA) stillGood(cert *x509.Certificate, usage x509.ExtKeyUsage) bool {
	now := ca.now()
	if now.Add(renewBefore).After(cert.NotAfter) {
		return false
	}
	_, err := cert.Verify(x509.VerifyOptions{
		Roots:       ca.Pool(),
		CurrentTime: now,
		KeyUsages:   []x509.ExtKeyUsage{usage},
	})
	return err == nil
}

// loadLeaf parses a certificate/key pair and checks they belong together.
func loadLeaf(certPEM, keyPEM []byte) (*x509.Certificate, error) {
	cert, err := parseCert(certPEM)
	if err != nil {
		return nil, err
	}
	key, err := parseKey(keyPEM)
	if err != nil {
		return nil, err
	}
	if !keyMatchesCert(key, cert) {
		return nil, fmt.Errorf("key does not match certificate")
	}
	return cert, nil
}

// newSerial returns a random positive 127-bit serial number.
func newSerial() (*big.Int, error) {
	limit := new(big.Int).Lsh(big.NewInt(1), 127)
	n, err := rand.Int(rand.Reader, limit)
	if err != nil {
		return nil, fmt.Errorf("generate serial number: %w", err)
	}
	return n.Add(n, big.NewInt(1)), nil
}
