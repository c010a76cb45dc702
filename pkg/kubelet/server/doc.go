// Package server is the kubelet's HTTPS API on the kubelet port (10250): container logs,
// exec, attach, port-forward, a stats summary, /pods and /healthz, on the upstream paths.
//
// Only the API server may call it: clients must present a certificate signed by the cluster
// CA whose CN is kube-apiserver-kubelet-client or whose groups include system:masters.
// Exec, attach and port-forward ask the CRI runtime for a streaming URL and reverse-proxy the
// upgraded connection (SPDY or WebSocket, whatever the client asked for) to it, as upstream's
// kubelet does. The package depends on the kubelet only through the small Host interface.
package server
