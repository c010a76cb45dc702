package pki

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"slices"
	"time"
)

// IssueClientCert returns a new PEM certificate and key for a client: the
// subject CN is user and O is groups (Kubernetes reads them as user name and
// groups), usage is client authentication, valid for validity (capped at the
// CA's own expiry). Nothing is written to disk.
func (ca *CA) IssueClientCert(user string, groups []string, validity time.Duration) (certPEM, keyPEM []byte, err error) {
	if user == "" {
		return nil, nil, fmt.Errorf("client certificate: empty user")
	}
	if validity <= 0 {
		return nil, nil, fmt.Errorf("client certificate for %q: validity %s is not positive", user, validity)
	}
	return ca.issue(leafSpec{
		subject:     pkix.Name{CommonName: user, Organization: slices.Clone(groups)},
		extKeyUsage: x509.ExtKeyUsageClientAuth,
		validity:    validity,
	})
}

// EnsureClientCert is IssueClientCert (valid 1 year) persisted as
// <dir>/<name>.crt and <dir>/<name>.key (key mode 0600). An existing pair is
// returned unchanged while it is signed by ca, names the same user and groups
// and expires in more than 30 days; otherwise a new pair replaces it.
func (ca *CA) EnsureClientCert(dir, name, user string, groups []string) (certPEM, keyPEM []byte, err error) {
	certFile, keyFile := pairPaths(dir, name)
	certPEM, keyPEM, ok, err := readPair(certFile, keyFile)
	if err != nil {
		return nil, nil, fmt.Errorf("client certificate %q: %w", name, err)
	}
	if ok && ca.clientCertFits(certPEM, keyPEM, user, groups) {
		return certPEM, keyPEM, nil
	}
	certPEM, keyPEM, err = ca.IssueClientCert(user, groups, leafValidity)
	if err != nil {
		return nil, nil, err
	}
	if err := writePair(certFile, keyFile, certPEM, keyPEM); err != nil {
		return nil, nil, fmt.Errorf("client certificate %q: %w", name, err)
	}
	return certPEM, keyPEM, nil
}

// clientCertFits reports whether an existing pair still identifies user in
// groups and can keep being used.
func (ca *CA) clientCertFits(certPEM, keyPEM []byte, user string, groups []string) bool {
	cert, err := loadLeaf(certPEM, keyPEM)
	if err != nil || !ca.stillGood(cert, x509.ExtKeyUsageClientAuth) {
		return false
	}
	return cert.Subject.CommonName == user && sameSet(cert.Subject.Organization, groups)
}

// sameSet reports whether a and b hold the same strings, ignoring order.
func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}
