package main

import (
	"os"
	"runtime"
	"strings"
)

// machine describes where a run happened, so figures from a busy machine can be told apart.
type machine struct {
	CPUs      int
	LoadStart string
	LoadEnd   string
}

// loadAverage returns the 1, 5 and 15 minute load averages from /proc/loadavg, or "unknown".
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	fields := strings.Fields(string(b))
	if err != nil || len(fields) < 3 {
		return "unknown"
	}
	return strings.Join(fields[:3], " ")
}

func newMachine() machine { return machine{CPUs: runtime.NumCPU(), LoadStart: loadAverage()} }
