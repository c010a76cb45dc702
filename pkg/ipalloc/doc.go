// Package ipalloc hands out Service cluster IPs and NodePorts (and any other numbered items of a
// range) so that no item is ever given twice, even by several API servers.
//
// The decision logic (ranges, picking a free item) is pure; a Backend records who holds which
// item. EtcdBackend keeps one etcd key per allocated item, created with a create-if-absent
// transaction, so etcd is the only source of truth across servers and restarts.
package ipalloc
