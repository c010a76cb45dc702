// Package endpoints runs the Endpoints controller: for every Service with a selector it keeps
// the legacy v1 Endpoints object of the same name, mirrored from the same pod data as the
// EndpointSlices (package podendpoint): one subset per distinct port list, ready pods in
// addresses and the others in notReadyAddresses, with hostname, nodeName and targetRef.
// Terminating pods are left out unless the Service publishes not-ready addresses, as
// upstream. At most MaxAddresses addresses are kept (ready ones first); a truncated object
// carries the over-capacity annotation. The Endpoints of a deleted Service are deleted;
// Services without a selector are left to their users.
//
// Each sync computes the desired object from the informer caches (subsets.go, pure) and
// writes it only when its subsets or labels differ (sync.go).
package endpoints
