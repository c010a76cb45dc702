package statefulset

// IsReady exposes isReady to the integration tests.
var IsReady = isReady
