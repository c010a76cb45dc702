package pki

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"time"
)

// EnsureServingCert makes sure <dir>/<name>.crt and <dir>/<name>.key hold a
// server certificate signed by ca that covers every entry of hosts (DNS names
// or IP addresses) and returns their paths. An existing pair is reused unless
// it is unreadable, expires within 30 days, is not signed by ca, or misses
// any of hosts; then a new one valid for 1 year is written atomically (key
// mode 0600). The certificate's SANs are exactly hosts; CN is name.
func (ca *CA) EnsureServingCert(dir, name string, hosts []string) (certFile, keyFile string, err error) {
	if len(hosts) == 0 {
		return "", "", fmt.Errorf("serving certificate %q: no hosts", name)
	}
	certFile, keyFile = pairPaths(dir, name)
	certPEM, keyPEM, ok, err := readPair(certFile, keyFile)
	if err != nil {
		return "", "", fmt.Errorf("serving certificate %q: %w", name, err)
	}
	if ok && ca.servingCertFits(certPEM, keyPEM, hosts) {
		return certFile, keyFile, nil
	}
	dnsNames, ips := splitHosts(hosts)
	certPEM, keyPEM, err = ca.issue(leafSpec{
		subject:     pkix.Name{CommonName: name},
		dnsNames:    dnsNames,
		ips:         ips,
		extKeyUsage: x509.ExtKeyUsageServerAuth,
		validity:    leafValidity,
	})
	if err != nil {
		return "", "", err
	}
	if err := writePair(certFile, keyFile, certPEM, keyPEM); err != nil {
		return "", "", fmt.Errorf("serving certificate %q: %w", name, err)
	}
	return certFile, keyFile, nil
}

// servingCertFits reports whether an existing pair can keep serving hosts.
func (ca *CA) servingCertFits(certPEM, keyPEM []byte, hosts []string) bool {
	cert, err := loadLeaf(certPEM, keyPEM)
	if err != nil || !ca.stillGood(cert, x509.ExtKeyUsageServerAuth) {
		return false
	}
	for _, h := range hosts {
		if !certCovers(cert, h) {
			return false
		}
	}
	return true
}

// certCovers reports whether host is literally one of cert's SANs.
func certCovers(cert *x509.Certificate, host string) bool {
	if addr, err := netip.ParseAddr(host); err == nil {
		return slices.ContainsFunc(cert.IPAddresses, func(ip net.IP) bool {
			got, ok := netip.AddrFromSlice(ip)
			return ok && got.Unmap() == addr.Unmap()
		})
	}
	return slices.Contains(cert.DNSNames, host)
}

// splitHosts separates IP addresses from DNS names, keeping order.
func splitHosts(hosts []string) (dnsNames []string, ips []net.IP) {
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			ips = append(ips, ip)
		} else {
			dnsNames = append(dnsNames, h)
		}
	}
	return dnsNames, ips
}

// IssueServingCert returns a new PEM server certificate and key named name
// (CN) whose SANs are exactly hosts (DNS names or IP addresses), valid for
// validity (capped at the CA's own expiry). Nothing is written to disk.
func (ca *CA) IssueServingCert(name string, hosts []string, validity time.Duration) (certPEM, keyPEM []byte, err error) {
	if len(hosts) == 0 {
		return nil, nil, fmt.Errorf("serving certificate %q: no hosts", name)
	}
	if validity <= 0 {
		return nil, nil, fmt.Errorf("serving certificate %q: validity %s is not positive", name, validity)
	}
	dnsNames, ips := splitHosts(hosts)
	return ca.issue(leafSpec{
		subject:     pkix.Name{CommonName: name},
		dnsNames:    dnsNames,
		ips:         ips,
		extKeyUsage: x509.ExtKeyUsageServerAuth,
		validity:    validity,
	})
}
