// Package apiserver serves the Kubernetes REST API over the storage package.
//
// One Server holds a table of resources (resources.go); every request is routed to a verb handler
// (get, list, watch, create, update, patch, delete, deletecollection) that decodes, defaults,
// validates and admits objects, and writes them with compare-and-swap through storage. Errors
// reach clients as metav1.Status with upstream's codes (400, 401, 404, 405, 406, 409, 410, 413,
// 415, 422, 500); no panic reaches a client.
package apiserver
