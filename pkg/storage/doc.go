// Package storage keeps API objects in etcd v3.
//
// Contracts:
//   - an object's resourceVersion is the etcd mod revision of its key; it is never stored in the
//     value, and is set on every object returned;
//   - Create fails with ErrExists when the key exists; GuaranteedUpdate and Delete write only if the
//     key's mod revision is still the one that was read (compare-and-swap), retrying on races;
//   - List reads every page at one revision; Watch starts after a revision and reports ErrExpired
//     once that revision has been compacted.
//
// Errors are the sentinels below (wrapped); the API layer maps them to Kubernetes Status codes.
package storage
