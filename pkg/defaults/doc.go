// Package defaults fills the unset fields of k8s.io/api objects the way the
// upstream Kubernetes API server's defaulting does for each served version.
//
// The API server calls Default on every object it decodes for a create or an
// update, before validation. Defaulting is a pure, idempotent function of the
// object: it never looks at other objects, the clock or the cluster. The few
// defaults upstream derives from server state (service cluster IPs, the
// generated Job selector, the namespace finalizer) are left to the server,
// which calls JobSelector once it has assigned a Job's UID and
// NamespaceFinalizer when it creates a Namespace.
package defaults
