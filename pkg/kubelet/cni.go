package kubelet

import (
	"encoding/json"
	"fmt"
	"path/filepath"
)

// cniConfigName is the conflist the kubelet writes in its CNI conf dir.
const cniConfigName = "10-skiff.conflist"

// cniConfig is the node's pod network: a bridge that is the pods' gateway and
// masquerades their traffic, host-local IPAM on podCIDR (state under ipamDir), and portmap
// for hostPort. Loopback is set up by containerd itself.
func cniConfig(bridge, podCIDR, ipamDir string) ([]byte, error) {
	conf := map[string]any{
		"cniVersion": "0.4.0",
		"name":       "skiff",
		"plugins": []any{
			map[string]any{
				"type": "bridge", "bridge": bridge, "isGateway": true, "ipMasq": true, "hairpinMode": true,
				"ipam": map[string]any{
					"type":    "host-local",
					"ranges":  [][]map[string]string{{{"subnet": podCIDR}}},
					"routes":  []map[string]string{{"dst": "0.0.0.0/0"}},
					"dataDir": ipamDir,
				},
			},
			map[string]any{"type": "portmap", "capabilities": map[string]bool{"portMappings": true}},
		},
	}
	return json.MarshalIndent(conf, "", "  ")
}

// writeCNIConfig writes the conflist for the pod CIDR in use (when its content changed).
func (k *Kubelet) writeCNIConfig() error {
	k.mu.Lock()
	cidr := k.podCIDR
	k.mu.Unlock()
	b, err := cniConfig(k.cfg.CNIBridge, cidr, filepath.Join(k.cfg.RootDir, "cni", "networks"))
	if err != nil {
		return err
	}
	if err := writeFileAtomic(filepath.Join(k.cfg.CNIConfDir, cniConfigName), b, 0o644); err != nil {
		return fmt.Errorf("kubelet: write CNI config: %w", err)
	}
	return nil
}
