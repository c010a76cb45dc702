package server

import (
	"fmt"
	"net/netip"

	"skiff/pkg/apiserver"
	"skiff/pkg/controller/nodeipam"
	"skiff/pkg/ipalloc"
	"skiff/pkg/join"
)

// Defaults of the cluster's pod address ranges: the node IPAM controller's (k3s-compatible).
const (
	DefaultClusterCIDR      = nodeipam.DefaultClusterCIDR
	DefaultNodeCIDRMaskSize = nodeipam.DefaultMaskSize
)

// defaultAddresses defaults and checks the address ranges and the advertise address of cfg.
func defaultAddresses(cfg *Config) error {
	if cfg.ServiceCIDR == "" {
		cfg.ServiceCIDR = apiserver.DefaultServiceCIDR
	}
	if cfg.NodePortRange == "" {
		cfg.NodePortRange = apiserver.DefaultNodePortRange
	}
	if cfg.ClusterCIDR == "" {
		cfg.ClusterCIDR = DefaultClusterCIDR
	}
	if cfg.NodeCIDRMaskSize == 0 {
		cfg.NodeCIDRMaskSize = DefaultNodeCIDRMaskSize
	}
	if _, err := ipalloc.ParseIPRange(cfg.ServiceCIDR); err != nil {
		return fmt.Errorf("server: --service-cluster-ip-range: %w", err)
	}
	if _, err := ipalloc.ParsePortRange(cfg.NodePortRange); err != nil {
		return fmt.Errorf("server: --service-node-port-range: %w", err)
	}
	cluster, err := netip.ParsePrefix(cfg.ClusterCIDR)
	if err != nil {
		return fmt.Errorf("server: --cluster-cidr: %w", err)
	}
	if cfg.NodeCIDRMaskSize < cluster.Bits() || cfg.NodeCIDRMaskSize > cluster.Addr().BitLen()-2 {
		return fmt.Errorf("server: --node-cidr-mask-size %d does not fit --cluster-cidr %s", cfg.NodeCIDRMaskSize, cluster)
	}
	if cfg.AdvertiseAddress == "" {
		cfg.AdvertiseAddress = join.DefaultNodeIP()
		if b, err := netip.ParseAddr(cfg.BindAddress); err == nil && !b.IsUnspecified() {
			cfg.AdvertiseAddress = b.String()
		}
	}
	if _, err := netip.ParseAddr(cfg.AdvertiseAddress); err != nil {
		return fmt.Errorf("server: --advertise-address must be an IP address: %w", err)
	}
	return nil
}
