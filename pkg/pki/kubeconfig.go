package pki

import (
	"fmt"

	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// DefaultContext is the name of the only context WriteKubeconfig writes.
const DefaultContext = "default"

// WriteKubeconfig writes a kubeconfig to path with one cluster named
// clusterName (serverURL, CA data embedded), one user authenticated by the
// embedded client certificate and key, and one context "default" joining them
// as the current context. The user entry is named after the certificate's CN
// (clusterName when the CN is empty). The file is written atomically with mode
// 0600; parent directories are created. It fails if serverURL or
// clusterName is empty or certPEM does not parse.
func WriteKubeconfig(path, serverURL, clusterName string, caPEM, certPEM, keyPEM []byte) error {
	if serverURL == "" || clusterName == "" {
		return fmt.Errorf("kubeconfig %s: server URL and cluster name are required", path)
	}
	cert, err := parseCert(certPEM)
	if err != nil {
		return fmt.Errorf("kubeconfig %s: client certificate: %w", path, err)
	}
	user := cert.Subject.CommonName
	if user == "" {
		user = clusterName
	}
	data, err := clientcmd.Write(kubeconfig(serverURL, clusterName, user, caPEM, certPEM, keyPEM))
	if err != nil {
		return fmt.Errorf("kubeconfig %s: encode: %w", path, err)
	}
	if err := writeFileAtomic(path, data, keyMode); err != nil {
		return fmt.Errorf("kubeconfig: %w", err)
	}
	return nil
}

// kubeconfig builds the single-cluster, single-user config.
func kubeconfig(serverURL, clusterName, user string, caPEM, certPEM, keyPEM []byte) clientcmdapi.Config {
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters[clusterName] = &clientcmdapi.Cluster{
		Server:                   serverURL,
		CertificateAuthorityData: caPEM,
	}
	cfg.AuthInfos[user] = &clientcmdapi.AuthInfo{
		ClientCertificateData: certPEM,
		ClientKeyData:         keyPEM,
	}
	cfg.Contexts[DefaultContext] = &clientcmdapi.Context{Cluster: clusterName, AuthInfo: user}
	cfg.CurrentContext = DefaultContext
	return *cfg
}
