// Package hostgw connects the pod networks of the nodes ("host-gw"): on every node it keeps,
// in the main routing table, one route `<podCIDR> via <nodeIP>` for each OTHER node that has a
// pod CIDR and an InternalIP, so pods reach pods on other nodes with their own IPs. It requires
// the nodes to share a layer-2 segment (the gateway must be directly reachable).
//
// Desired computes the routes from the Nodes (pure); Plan compares them with the routes present;
// an Applier adds, replaces and deletes routes over netlink. Every route it writes carries the
// protocol number Proto, and it lists, replaces and deletes only routes with that number: routes
// it did not create are never touched.
package hostgw
