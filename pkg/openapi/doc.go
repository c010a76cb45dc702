// Package openapi generates the OpenAPI documents a Kubernetes API server
// publishes (/openapi/v2 and /openapi/v3) and the server-side apply type
// converter, by reflecting over the Go types of k8s.io/api registered in a
// runtime.Scheme.
//
// Schemas are named as upstream ("io.k8s.api.core.v1.Pod"), carry the
// descriptions of the types' SwaggerDoc methods, the strategic merge patch
// extensions read from the patchStrategy/patchMergeKey struct tags, and the
// list/map type extensions structured-merge-diff needs. Paths carry the
// operation metadata (x-kubernetes-action, x-kubernetes-group-version-kind,
// query parameters) kubectl inspects to decide which features the server
// supports.
//
// New builds the definitions and the type converter; the served documents
// are rendered lazily on first request and cached.
package openapi
