package main

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func ms(values ...int) []time.Duration {
	out := make([]time.Duration, len(values))
	for i, v := range values {
		out[i] = time.Duration(v) * time.Millisecond
	}
	return out
}

func seq(n int) []time.Duration {
	values := make([]int, n)
	for i := range values {
		values[i] = n - i // descending, so Summarize must sort
	}
	return ms(values...)
}

func TestPercentile(t *testing.T) {
	tests := []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"empty", nil, 50, 0},
		{"single p50", ms(7), 50, 7 * time.Millisecond},
		{"single p99", ms(7), 99, 7 * time.Millisecond},
		{"even count median is lower middle", ms(1, 2, 3, 4), 50, 2 * time.Millisecond},
		{"odd count median", ms(1, 2, 3, 4, 5), 50, 3 * time.Millisecond},
		{"p99 of 100", ms(seqInts(100)...), 99, 99 * time.Millisecond},
		{"p99 of 1000", ms(seqInts(1000)...), 99, 990 * time.Millisecond},
		{"p100 is max", ms(1, 5, 9), 100, 9 * time.Millisecond},
		{"tiny p is min", ms(1, 5, 9), 0.1, 1 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, Percentile(tt.sorted, tt.p)); diff != "" {
				t.Errorf("Percentile(p=%v) mismatch (-want +got):\n%s", tt.p, diff)
			}
		})
	}
}

func seqInts(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i + 1
	}
	return out
}

func TestSummarize(t *testing.T) {
	tests := []struct {
		name    string
		samples []time.Duration
		want    Summary
	}{
		{"empty", nil, Summary{}},
		{"unsorted", ms(30, 10, 20), Summary{Count: 3, P50: 20 * time.Millisecond, P99: 30 * time.Millisecond, Max: 30 * time.Millisecond}},
		{"descending 200", seq(200), Summary{Count: 200, P50: 100 * time.Millisecond, P99: 198 * time.Millisecond, Max: 200 * time.Millisecond}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := append([]time.Duration(nil), tt.samples...)
			if diff := cmp.Diff(tt.want, Summarize(in)); diff != "" {
				t.Errorf("Summarize mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.samples, in); diff != "" {
				t.Errorf("Summarize modified its input (-want +got):\n%s", diff)
			}
		})
	}
}
