package main

import (
	"fmt"
	"io"
	"time"
)

// sloSingleObject is upstream's API call latency SLO for single-object mutating and read-only
// calls: p99 <= 1 s (kubernetes/community sig-scalability slos/api_call_latency.md).
const sloSingleObject = time.Second

// sloNamespacedList is upstream's SLO for namespace-scoped LIST calls: p99 <= 5 s.
const sloNamespacedList = 5 * time.Second

// report is every figure of one run.
type report struct {
	Options     options
	Machine     machine
	Startup     time.Duration
	RSSIdle     int64
	Fill        phaseResult
	RSSFilled   int64
	Phases      []phaseResult
	Watch       watchResult
	RSSEnd      int64
	ContentType string
}

// Print writes the figures to w as Markdown tables.
func (r report) Print(w io.Writer) {
	o := r.Options
	fmt.Fprintf(w, "\n%d CPUs; load average (1m 5m 15m) %s at start, %s at end; benchmark client on the same machine.\n",
		r.Machine.CPUs, r.Machine.LoadStart, r.Machine.LoadEnd)
	fmt.Fprintf(w, "\n## API latency and throughput (%s per phase, ConfigMaps, %s, list of %d objects)\n\n", o.Duration, r.ContentType, o.ListSize)
	fmt.Fprintln(w, "| op     | clients |  calls |   ops/s |       p50 |       p99 |       max | errors |")
	fmt.Fprintln(w, "|--------|--------:|-------:|--------:|----------:|----------:|----------:|-------:|")
	for _, p := range r.Phases {
		fmt.Fprintf(w, "| %-6s | %7d | %6d | %7.0f | %9s | %9s | %9s | %6d |\n",
			p.Op, p.Clients, p.Latency.Count, p.OpsPerSec(), msec(p.Latency.P50), msec(p.Latency.P99), msec(p.Latency.Max), p.Errors)
	}
	r.printWatch(w)
	r.printMemory(w)
	r.printSLO(w)
	r.printErrors(w)
}

func (r report) printWatch(w io.Writer) {
	wr := r.Watch
	fmt.Fprintf(w, "\n## Watch delivery (%d sequential creates, ADDED events on one watch)\n\n", r.Options.WatchEvents)
	fmt.Fprintln(w, "| measured from          | events |       p50 |       p99 |       max |")
	fmt.Fprintln(w, "|------------------------|-------:|----------:|----------:|----------:|")
	for _, row := range []struct {
		label string
		s     Summary
	}{{"create response", wr.Latency}, {"create request start", wr.FromRequest}} {
		fmt.Fprintf(w, "| %-22s | %6d | %9s | %9s | %9s |\n", row.label, row.s.Count, msec(row.s.P50), msec(row.s.P99), msec(row.s.Max))
	}
	fmt.Fprintf(w, "\n%d of %d events arrived before their create response (counted as 0); %d never arrived.\n",
		wr.Early, wr.Latency.Count, wr.Missing)
}

func (r report) printMemory(w io.Writer) {
	f := r.Fill
	fmt.Fprintf(w, "\n## Server process (start to ready %s)\n\n", r.Startup.Round(10*time.Millisecond))
	fmt.Fprintln(w, "| server RSS (VmRSS)                  |      MiB |")
	fmt.Fprintln(w, "|-------------------------------------|---------:|")
	for _, row := range []struct {
		label string
		rss   int64
	}{
		{"idle after start", r.RSSIdle},
		{fmt.Sprintf("after creating %d ConfigMaps", f.Latency.Count), r.RSSFilled},
		{"end of run", r.RSSEnd},
	} {
		fmt.Fprintf(w, "| %-35s | %8.1f |\n", row.label, mib(row.rss))
	}
	fmt.Fprintf(w, "\nFilling %d ConfigMaps with %d clients took %s (%.0f creates/s, p99 %s, %d errors).\n",
		f.Latency.Count, f.Clients, f.Elapsed.Round(10*time.Millisecond), f.OpsPerSec(), msec(f.Latency.P99), f.Errors)
}

func (r report) printSLO(w io.Writer) {
	var single, list time.Duration
	for _, p := range r.Phases {
		if p.Op == "list" {
			list = max(list, p.Latency.P99)
		} else {
			single = max(single, p.Latency.P99)
		}
	}
	fmt.Fprintf(w, "\n## Against upstream's SLOs\n\n")
	fmt.Fprintf(w, "- single-object calls (create/get/update): worst p99 %s vs SLO p99 <= %s: %s\n", msec(single), sloSingleObject, verdict(single, sloSingleObject))
	fmt.Fprintf(w, "- namespaced list: worst p99 %s vs SLO p99 <= %s: %s\n", msec(list), sloNamespacedList, verdict(list, sloNamespacedList))
}

func (r report) printErrors(w io.Writer) {
	for _, p := range append([]phaseResult{r.Fill}, r.Phases...) {
		if p.FirstErr != nil {
			fmt.Fprintf(w, "\nfirst %s error at %d clients: %v\n", p.Op, p.Clients, p.FirstErr)
		}
	}
}

func verdict(got, slo time.Duration) string {
	if got <= slo {
		return fmt.Sprintf("met (%.0fx headroom)", float64(slo)/float64(max(got, time.Microsecond)))
	}
	return "NOT met"
}

// msec formats d in milliseconds with two decimals.
func msec(d time.Duration) string {
	return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }
