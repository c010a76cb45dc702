// Package algorithm makes the scheduling decision for one pod against a framework.Snapshot:
// filter nodes, score the feasible ones, pick the best (ties broken by an injected rand),
// or explain with a FitError why none fits. SelectVictims computes preemption. It is pure:
// no I/O, clocks or goroutines; applying a Decision is the caller's job.
package algorithm
