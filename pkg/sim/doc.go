// Package sim simulates nodes without containers, like a kubelet that only talks to the API
// server: it registers Nodes, keeps their Leases and Ready heartbeat fresh, moves pods bound to
// them to Running (and, on request, to Succeeded or Failed), and honours pod deletion.
//
// A Sim is built by New (no I/O) and driven by Run. All writes go through client-go; pods are
// watched by one shared informer for every simulated node and reconciled through a
// rate-limited workqueue. Pure parts (node and pod status building, QoS class, option parsing)
// live in their own files and are tested by tables.
//
// Scale, measured by TestScale (SKIFF_SIM_SCALE=5000) against the in-process server on the
// 2-core dev VM: 5,000 nodes register in ~14s (10,000 writes at the default QPS of 620), then
// hold 523 writes/s (500 lease renewals/s, oldest lease 9.7s old; 17 node status patches/s)
// with 1,000 bound pods Running; the heap of server and simulator together grows from 12 MiB
// to 55 MiB.
package sim
