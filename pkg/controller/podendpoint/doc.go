// Package podendpoint is what the EndpointSlice and Endpoints controllers share: which pods
// are endpoints of a Service, with which ports and conditions (For, List), and the informer
// handlers that enqueue a Service when its Service object or one of its pods changes in a way
// that its endpoint lists show (Watch). It computes; it writes nothing.
package podendpoint
