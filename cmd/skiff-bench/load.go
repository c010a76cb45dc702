package main

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// load says how a phase drives the server: Clients goroutines each issue one call at a time
// until Duration has passed (zero: no time limit) or Total calls have started (zero: no limit).
type load struct {
	Clients  int
	Duration time.Duration
	Total    int
}

// opFunc is one timed call made by client worker; iter counts that worker's calls from 0.
type opFunc func(ctx context.Context, worker, iter int) error

// phaseResult is what one phase measured.
type phaseResult struct {
	Op       string
	Clients  int
	Latency  Summary
	Errors   int
	FirstErr error
	Elapsed  time.Duration
}

// OpsPerSec is the phase's throughput: successful calls per second of wall time.
func (r phaseResult) OpsPerSec() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Latency.Count) / r.Elapsed.Seconds()
}

// runPhase drives op as l says and blocks until every started call has returned. Only the
// latencies of successful calls are summarised; failures are counted and the first is kept.
func runPhase(ctx context.Context, name string, l load, op opFunc) phaseResult {
	var deadline time.Time
	if l.Duration > 0 {
		deadline = time.Now().Add(l.Duration)
	}
	var started atomic.Int64
	more := func() bool {
		if ctx.Err() != nil || (!deadline.IsZero() && time.Now().After(deadline)) {
			return false
		}
		return l.Total <= 0 || started.Add(1) <= int64(l.Total)
	}
	workers := make([]workerLog, l.Clients)
	begin := time.Now()
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() { workers[w].run(ctx, w, more, op) })
	}
	wg.Wait()
	return merge(name, l.Clients, time.Since(begin), workers)
}

// workerLog is what one client goroutine recorded.
type workerLog struct {
	latencies []time.Duration
	errors    int
	firstErr  error
}

func (wl *workerLog) run(ctx context.Context, worker int, more func() bool, op opFunc) {
	for iter := 0; more(); iter++ {
		start := time.Now()
		err := op(ctx, worker, iter)
		took := time.Since(start)
		if err != nil {
			wl.errors++
			if wl.firstErr == nil {
				wl.firstErr = err
			}
			continue
		}
		wl.latencies = append(wl.latencies, took)
	}
}

func merge(name string, clients int, elapsed time.Duration, workers []workerLog) phaseResult {
	r := phaseResult{Op: name, Clients: clients, Elapsed: elapsed}
	var all []time.Duration
	for _, wl := range workers {
		all = append(all, wl.latencies...)
		r.Errors += wl.errors
		if r.FirstErr == nil {
			r.FirstErr = wl.firstErr
		}
	}
	r.Latency = Summarize(all)
	return r
}
