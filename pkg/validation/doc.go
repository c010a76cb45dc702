// Package validation checks k8s.io/api objects the way the upstream
// Kubernetes API server does before it stores them.
//
// ValidateCreate and ValidateUpdate return a field.ErrorList whose paths
// (spec.template.spec.containers[0].image) and messages follow upstream's, so
// the server can wrap them in a 422 Invalid status that kubectl prints as-is.
// Both expect objects already defaulted by package defaults (validation
// reports missing values that defaulting would have filled as Required).
// They are pure functions: no I/O, no clock, no shared state.
//
// Coverage is the important upstream rules per type, not every rule; every
// type, known or not, gets the metadata checks.
package validation
