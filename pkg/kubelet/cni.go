package kubelet

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
)

// DefaultPodCIDRWait is how long a node agent's kubelet waits for its pod CIDR at start.
const DefaultPodCIDRWait = 30 * time.Second

// awaitPodCIDR waits up to PodCIDRWait for the Node's spec.podCIDR and adopts it, so that the
// first CNI config already uses the node's own subnet. Without one by then (no node IPAM
// runs), Config.PodCIDR stays in use until followPodCIDR sees one.
func (k *Kubelet) awaitPodCIDR(ctx context.Context) {
	if k.cfg.PodCIDRWait <= 0 {
		return
	}
	var cidr string
	_ = wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, k.cfg.PodCIDRWait, true, func(ctx context.Context) (bool, error) {
		node, err := k.cfg.Client.CoreV1().Nodes().Get(ctx, k.cfg.NodeName, metav1.GetOptions{})
		if err == nil {
			cidr = node.Spec.PodCIDR
		}
		return cidr != "", nil
	})
	if cidr == "" {
		k.log.Warn("node has no pod CIDR; using the fallback", "podCIDR", k.cfg.PodCIDR, "waited", k.cfg.PodCIDRWait)
		return
	}
	k.mu.Lock()
	k.podCIDR = cidr
	k.mu.Unlock()
	k.log.Info("using the node's pod CIDR", "podCIDR", cidr)
}

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
