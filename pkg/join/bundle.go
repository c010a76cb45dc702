package join

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"k8s.io/apimachinery/pkg/util/validation"

	"skiff/pkg/pki"
)

// NodeCertValidity is how long the node certificates issued here are valid.
const NodeCertValidity = 365 * 24 * time.Hour

// Bundle is what a node receives when it joins: PEM data signed by the cluster CA.
type Bundle struct {
	CA          []byte `json:"ca"`
	ClientCert  []byte `json:"clientCert"`
	ClientKey   []byte `json:"clientKey"`
	ServingCert []byte `json:"servingCert"`
	ServingKey  []byte `json:"servingKey"`
}

// Files are the paths Bundle.Write uses under an agent data dir.
type Files struct {
	Kubeconfig  string // D/kubelet.kubeconfig (node client credential)
	CA          string // D/tls/ca.crt
	ServingCert string // D/tls/kubelet.crt
	ServingKey  string // D/tls/kubelet.key
}

// FilesIn returns the node credential paths under the agent data dir dir.
func FilesIn(dir string) Files {
	return Files{
		Kubeconfig:  filepath.Join(dir, "kubelet.kubeconfig"),
		CA:          filepath.Join(dir, "tls", "ca.crt"),
		ServingCert: filepath.Join(dir, "tls", "kubelet.crt"),
		ServingKey:  filepath.Join(dir, "tls", "kubelet.key"),
	}
}

// NodeUser is the user name of a node's client certificate.
func NodeUser(node string) string { return "system:node:" + node }

// NodesGroup is the group of every node's client certificate.
const NodesGroup = "system:nodes"

// Issue signs a node's client and serving certificates with ca. The serving certificate
// covers node and addresses (IPs or host names).
func Issue(ca *pki.CA, node string, addresses []string) (*Bundle, error) {
	if errs := validation.IsDNS1123Subdomain(node); len(errs) > 0 {
		return nil, fmt.Errorf("invalid node name %q: %s", node, errs[0])
	}
	certPEM, keyPEM, err := ca.IssueClientCert(NodeUser(node), []string{NodesGroup}, NodeCertValidity)
	if err != nil {
		return nil, err
	}
	hosts := slices.Compact(append([]string{node}, addresses...))
	servingPEM, servingKey, err := ca.IssueServingCert(node, hosts, NodeCertValidity)
	if err != nil {
		return nil, err
	}
	return &Bundle{CA: ca.CertPEM(), ClientCert: certPEM, ClientKey: keyPEM, ServingCert: servingPEM, ServingKey: servingKey}, nil
}

// Write stores b under the agent data dir dir (see FilesIn) with a kubeconfig for serverURL
// and returns the paths.
func (b *Bundle) Write(dir, serverURL string) (Files, error) {
	f := FilesIn(dir)
	if err := os.MkdirAll(filepath.Dir(f.CA), 0o700); err != nil {
		return f, err
	}
	for _, w := range []struct {
		path string
		data []byte
		mode os.FileMode
	}{{f.ServingKey, b.ServingKey, 0o600}, {f.ServingCert, b.ServingCert, 0o644}, {f.CA, b.CA, 0o644}} {
		if err := writeAtomic(w.path, w.data, w.mode); err != nil {
			return f, err
		}
	}
	if err := pki.WriteKubeconfig(f.Kubeconfig, serverURL, "skiff", b.CA, b.ClientCert, b.ClientKey); err != nil {
		return f, err
	}
	return f, nil
}

func writeAtomic(path string, data []byte, mode os.FileMode) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, mode); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
