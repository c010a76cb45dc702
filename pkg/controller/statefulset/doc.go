// Package statefulset runs StatefulSets: pods with stable names <set>-<ordinal>, stable network
// identity (hostname and the governing service's subdomain) and one PersistentVolumeClaim per
// volumeClaimTemplate and ordinal. Pods are created in ordinal order and removed in reverse
// order, one at a time waiting for readiness (OrderedReady) or all at once (Parallel). Template
// changes are recorded as ControllerRevisions and rolled out from the highest ordinal down to
// the partition (RollingUpdate), or left for the user to delete pods (OnDelete).
package statefulset
