package join

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// Request describes a node joining a cluster.
type Request struct {
	// ServerURL is the API server, https://HOST:PORT.
	ServerURL string
	// Token is the server's join token (<server-data-dir>/token).
	Token string
	// NodeName names the node (its certificate's CN is system:node:<NodeName>).
	NodeName string
	// Addresses are the node's IPs and host names, for the kubelet serving certificate.
	Addresses []string
	// Dir is the agent data dir the credentials are written to (see FilesIn).
	Dir string
	Log *slog.Logger
}

// Bootstrap makes sure Dir holds a valid node credential for the cluster and returns the
// kubeconfig path. Credentials from an earlier start are reused while they are valid for
// more than 30 days, name the same node, cover the addresses and chain to the pinned CA;
// otherwise it joins: it fetches the CA, checks its hash against the token (a bare-secret
// token trusts the first CA it sees), and trades the token for certificates. It blocks for
// at most the HTTP round trips; ctx cancels them.
func Bootstrap(ctx context.Context, req Request) (string, error) {
	tok, err := ParseToken(req.Token)
	if err != nil {
		return "", err
	}
	if req.ServerURL == "" || req.NodeName == "" || req.Dir == "" {
		return "", fmt.Errorf("join: server URL, node name and data dir are required")
	}
	files := FilesIn(req.Dir)
	if err := reusable(files, req, tok, time.Now()); err == nil {
		return files.Kubeconfig, nil
	} else if req.Log != nil {
		req.Log.Info("joining the cluster", "server", req.ServerURL, "node", req.NodeName, "reason", err.Error())
	}
	caPEM, err := fetchCA(ctx, req.ServerURL, tok)
	if err != nil {
		return "", err
	}
	b, err := postJoin(ctx, req, tok, caPEM)
	if err != nil {
		return "", err
	}
	if _, err := b.Write(req.Dir, req.ServerURL); err != nil {
		return "", err
	}
	return files.Kubeconfig, nil
}

// fetchCA downloads the CA without verifying the server, then pins it by the token's hash.
func fetchCA(ctx context.Context, serverURL string, tok Token) ([]byte, error) {
	c := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	body, err := do(ctx, c, http.MethodGet, strings.TrimSuffix(serverURL, "/")+CACertsPath, "", nil)
	if err != nil {
		return nil, fmt.Errorf("fetch cluster CA: %w", err)
	}
	if tok.CAHash == "" {
		return body, nil
	}
	hash, err := CAHash(body)
	if err != nil {
		return nil, fmt.Errorf("fetch cluster CA: %w", err)
	}
	if hash != tok.CAHash {
		return nil, fmt.Errorf("the server's CA (sha256 %s) does not match the join token (%s)", hash, tok.CAHash)
	}
	return body, nil
}

// postJoin trades the token for certificates over a connection verified against caPEM.
func postJoin(ctx context.Context, req Request, tok Token, caPEM []byte) (*Bundle, error) {
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		return nil, fmt.Errorf("join: the cluster CA does not parse")
	}
	c := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
	in, _ := json.Marshal(JoinRequest{NodeName: req.NodeName, Addresses: req.Addresses})
	body, err := do(ctx, c, http.MethodPost, strings.TrimSuffix(req.ServerURL, "/")+JoinPath, tok.String(), in)
	if err != nil {
		return nil, fmt.Errorf("join: %w", err)
	}
	var b Bundle
	if err := json.Unmarshal(body, &b); err != nil {
		return nil, fmt.Errorf("join: decode response: %w", err)
	}
	if !bytes.Equal(bytes.TrimSpace(b.CA), bytes.TrimSpace(caPEM)) {
		return nil, fmt.Errorf("join: the server returned a different CA")
	}
	return &b, nil
}

func do(ctx context.Context, c *http.Client, method, url, bearer string, in []byte) ([]byte, error) {
	r, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(in))
	if err != nil {
		return nil, err
	}
	if bearer != "" {
		r.Header.Set("Authorization", "Bearer "+bearer)
	}
	r.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(r)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s %s: %s: %s", method, url, resp.Status, strings.TrimSpace(string(body)))
	}
	return body, nil
}
