// Package convert holds the hand-written conversions between API versions
// that the API server serves over one stored object.
//
// autoscaling/v2 HorizontalPodAutoscaler is the stored form; autoscaling/v1
// is converted from and to it. What v1 cannot express (extra metrics,
// behavior, current metrics, conditions) travels in the v1 object's
// annotations under the keys upstream Kubernetes uses, so that a read, modify,
// write cycle through the v1 endpoint loses nothing.
//
// core/v1 Event is the stored form of events.k8s.io/v1 Event; the two hold
// the same fields under different names and convert without loss.
//
// All functions are pure: they never modify their input and never share
// pointers or maps with it.
package convert
