// Package nodeipam gives every Node a pod CIDR: spec.podCIDR and spec.podCIDRs get a subnet
// of the cluster CIDR (--cluster-cidr, a /24 of 10.42.0.0/16 by default) that no other Node
// holds. A Node that has one keeps it; a deleted Node's subnet becomes free again. When the
// cluster CIDR is exhausted, the Node gets a CIDRNotAvailable event and is retried.
//
// The set of used subnets is rebuilt from every Node once the informer has synced, before the
// first assignment, and then follows the Node events and this controller's own assignments (so
// a stale cache never hands out one subnet twice). Run it from one process at a time (the
// controller manager's leader).
package nodeipam
