// Package proxy is the node's service proxy (kube-proxy's job): it watches Services and
// EndpointSlices and programs the kernel so that a service's virtual IPs and node ports reach
// its ready pods.
//
// Decide, then do: Compute turns a snapshot of Services and EndpointSlices into a Ruleset (a
// pure, backend-neutral description of the desired rules); a Backend applies a Ruleset in one
// atomic transaction: nftables (our own `ip skiff-proxy` table, through sigs.k8s.io/knftables)
// or, as the fallback, iptables (our own SKIFF-* chains, through one iptables-restore).
//
// The Proxy (Run) keeps the rules in step with the API: rate-limited syncs (bursts coalesce,
// 100 ms apart at least, well under a second from an EndpointSlice change to rules applied), a
// full re-sync every 30 s to repair drift, stale UDP conntrack entries flushed through
// netlink. After each successful sync it publishes the highest EndpointSlice resourceVersion it
// has applied on a Lease skiff-proxy-<node> in kube-node-lease; TerminationGate uses those
// leases to hold a pod's SIGTERM until no live proxy sends it new connections.
package proxy
