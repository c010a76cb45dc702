// Package loop is the work loop every Skiff controller shares: a rate-limited workqueue of
// object keys, informer handlers that enqueue keys, and workers that pass each key to the
// controller's sync function, retrying failures with backoff and honouring timed resyncs.
package loop
