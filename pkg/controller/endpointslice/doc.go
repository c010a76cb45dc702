// Package endpointslice runs the EndpointSlice controller: for every Service with a selector
// it keeps EndpointSlices (discovery.k8s.io/v1, IPv4) that list the Service's pods with their
// resolved ports and ready/serving/terminating conditions, at most MaxEndpointsPerSlice each,
// one port set per slice. Terminating pods stay listed (terminating=true) until they are gone,
// so that proxies can fall back to serving-but-terminating endpoints. Services without a
// selector are left to their users; slices this controller made for them are deleted.
//
// Each sync decides from the informer caches (desired.go, plan.go: pure functions that keep
// unchanged slices untouched, update changed ones in place, fill slices with room and recycle
// slices no longer needed before creating new ones) and then applies the plan (sync.go). A
// tracker keeps a sync from acting on a cache that has not yet seen the controller's own slice
// writes. Slices are owned by their Service, so the garbage collector deletes them with it.
package endpointslice
