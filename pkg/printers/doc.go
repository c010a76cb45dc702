// Package printers converts Kubernetes API objects into metav1.Table values,
// the server-side answer to `kubectl get` (Accept:
// application/json;as=Table;v=v1;g=meta.k8s.io).
//
// The columns follow upstream kubectl: every column is always present in the
// table, and those with Priority 1 are the ones kubectl shows only with
// `-o wide`. Types without a dedicated printer get the upstream default
// columns, Name and Created At.
//
// The package is pure: it holds no state, does no I/O and reads no clock; the
// caller passes the time used for AGE columns.
package printers
