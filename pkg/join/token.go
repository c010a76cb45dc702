package join

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// tokenPrefix starts a full token; the CA hash follows it.
const tokenPrefix = "K10"

// Token is a parsed join token. CAHash is empty for a bare secret (no CA pinning).
type Token struct {
	CAHash string
	Secret string
}

// ParseToken reads "K10<ca-hash>::server:<secret>" or a bare "<secret>".
func ParseToken(s string) (Token, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Token{}, errors.New("join token is empty")
	}
	if !strings.HasPrefix(s, tokenPrefix) || !strings.Contains(s, "::") {
		return Token{Secret: s}, nil
	}
	hash, cred, _ := strings.Cut(strings.TrimPrefix(s, tokenPrefix), "::")
	_, secret, ok := strings.Cut(cred, ":")
	if !ok || secret == "" {
		return Token{}, errors.New("join token: want K10<ca-hash>::server:<secret>")
	}
	if _, err := hex.DecodeString(hash); err != nil || len(hash) != 2*sha256.Size {
		return Token{}, errors.New("join token: the CA hash is not a hex SHA-256")
	}
	return Token{CAHash: strings.ToLower(hash), Secret: secret}, nil
}

// String formats the token; a token without a CA hash is its bare secret.
func (t Token) String() string {
	if t.CAHash == "" {
		return t.Secret
	}
	return tokenPrefix + t.CAHash + "::server:" + t.Secret
}

// matches compares presented secrets in constant time.
func (t Token) matches(secret string) bool {
	return subtle.ConstantTimeCompare([]byte(t.Secret), []byte(secret)) == 1
}

// CAHash returns the hex SHA-256 of the DER of the first certificate in caPEM.
func CAHash(caPEM []byte) (string, error) {
	for block, rest := pem.Decode(caPEM); block != nil; block, rest = pem.Decode(rest) {
		if block.Type == "CERTIFICATE" {
			sum := sha256.Sum256(block.Bytes)
			return hex.EncodeToString(sum[:]), nil
		}
	}
	return "", errors.New("no CERTIFICATE in CA PEM")
}

// LoadOrCreateToken returns the token kept in <dataDir>/token, creating it with a random
// secret on first use. The CA hash is refreshed from caPEM; the secret is kept.
func LoadOrCreateToken(dataDir string, caPEM []byte) (Token, error) {
	hash, err := CAHash(caPEM)
	if err != nil {
		return Token{}, err
	}
	path := filepath.Join(dataDir, "token")
	data, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return Token{}, fmt.Errorf("read token: %w", err)
	}
	if err == nil {
		old, perr := ParseToken(string(data))
		if perr == nil && old.CAHash == hash {
			return old, nil
		}
		if perr == nil {
			return writeToken(path, Token{CAHash: hash, Secret: old.Secret})
		}
	}
	secret, err := randomSecret()
	if err != nil {
		return Token{}, err
	}
	return writeToken(path, Token{CAHash: hash, Secret: secret})
}

func writeToken(path string, t Token) (Token, error) {
	if err := os.WriteFile(path, []byte(t.String()+"\n"), 0o600); err != nil {
		return Token{}, fmt.Errorf("write token: %w", err)
	}
	return t, nil
}

func randomSecret() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("token secret: %w", err)
	}
	return hex.EncodeToString(b), nil
}
