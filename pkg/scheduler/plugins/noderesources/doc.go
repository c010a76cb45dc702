// Package noderesources holds the resource plugins: Fit filters nodes without room for the
// pod's requests; LeastAllocated and BalancedAllocation score nodes by cpu and memory use.
package noderesources
