package pki

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
)

// PEM block types written and accepted by this package.
const (
	certBlockType   = "CERTIFICATE"
	ecKeyBlockType  = "EC PRIVATE KEY"
	pkcs8BlockType  = "PRIVATE KEY"
	rsaKeyBlockType = "RSA PRIVATE KEY"
)

// newKey returns a fresh ECDSA P-256 private key.
func newKey() (*ecdsa.PrivateKey, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate ECDSA key: %w", err)
	}
	return key, nil
}

// encodeKey returns key as a SEC 1 "EC PRIVATE KEY" PEM block.
func encodeKey(key *ecdsa.PrivateKey) ([]byte, error) {
	der, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("marshal key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: ecKeyBlockType, Bytes: der}), nil
}

// encodeCert returns der as a "CERTIFICATE" PEM block.
func encodeCert(der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: certBlockType, Bytes: der})
}

// parseCert decodes the first certificate in data.
func parseCert(data []byte) (*x509.Certificate, error) {
	for block, rest := pem.Decode(data); block != nil; block, rest = pem.Decode(rest) {
		if block.Type == certBlockType {
			return x509.ParseCertificate(block.Bytes)
		}
	}
	return nil, errors.New("no CERTIFICATE PEM block found")
}

// parseKey decodes the first private key in data: SEC 1, PKCS #8 or PKCS #1.
func parseKey(data []byte) (crypto.Signer, error) {
	for block, rest := pem.Decode(data); block != nil; block, rest = pem.Decode(rest) {
		switch block.Type {
		case ecKeyBlockType:
			return x509.ParseECPrivateKey(block.Bytes)
		case rsaKeyBlockType:
			return x509.ParsePKCS1PrivateKey(block.Bytes)
		case pkcs8BlockType:
			return parsePKCS8Signer(block.Bytes)
		}
	}
	return nil, errors.New("no private key PEM block found")
}

// parsePKCS8Signer parses a PKCS #8 key that can sign.
func parsePKCS8Signer(der []byte) (crypto.Signer, error) {
	key, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, err
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("PKCS #8 key of type %T cannot sign", key)
	}
	return signer, nil
}

// keyMatchesCert reports whether key is the private half of cert's public key.
func keyMatchesCert(key crypto.Signer, cert *x509.Certificate) bool {
	pub, ok := key.Public().(interface{ Equal(crypto.PublicKey) bool })
	return ok && pub.Equal(cert.PublicKey)
}
