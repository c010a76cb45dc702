// Package gc is the garbage collector: it follows metadata.ownerReferences across every
// resource that supports list, watch and delete, and deletes dependents whose owners are gone.
//
// Deletion propagation follows upstream Kubernetes:
//   - Background (default): once an owner is gone, its dependents are deleted. An owner uid
//     that is not in the informer caches is verified absent with a live GET before anything
//     is deleted.
//   - Foreground: an owner with a deletionTimestamp and the foregroundDeletion finalizer has
//     its dependents deleted first; the finalizer is removed once no dependent with
//     blockOwnerDeletion=true remains, which lets the API server delete the owner.
//   - Orphan: an owner with the orphan finalizer has the ownerReferences to it removed from
//     its dependents, then the finalizer removed.
//
// The collector watches metadata only (k8s.io/client-go/metadata), re-discovers the API every
// 30 seconds to pick up new resources, and works from one rate-limited queue of object keys.
// Decisions are pure functions (decide.go); the rest of the package does the I/O.
package gc
