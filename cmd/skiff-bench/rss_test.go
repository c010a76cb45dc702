package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestReadRSS(t *testing.T) {
	tests := []struct {
		name    string
		status  string
		want    int64
		wantErr bool
	}{
		{"typical", "Name:\tskiff\nVmPeak:\t  900000 kB\nVmRSS:\t   51200 kB\nRssAnon:\t 40000 kB\n", 51200 * 1024, false},
		{"no VmRSS line", "Name:\tskiff\nVmPeak:\t  900000 kB\n", 0, true},
		{"not a number", "VmRSS:\t   lots kB\n", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "status")
			if err := os.WriteFile(path, []byte(tt.status), 0o600); err != nil {
				t.Fatal(err)
			}
			got, err := readRSS(path)
			if (err != nil) != tt.wantErr {
				t.Fatalf("readRSS error = %v, wantErr %v", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); !tt.wantErr && diff != "" {
				t.Errorf("readRSS mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseFlagsQuick(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want options
	}{
		{"defaults", nil, options{Binary: "bin/skiff", Duration: 5e9, Clients: []int{1, 16, 64}, ListSize: 100, WatchEvents: 1000, RSSObjects: 10000, FillClients: 64, Settle: 3e9, PodStartRounds: 3}},
		{"quick", []string{"-quick"}, options{Binary: "bin/skiff", Duration: 1e9, Clients: []int{1, 16, 64}, ListSize: 100, WatchEvents: 200, RSSObjects: 1000, FillClients: 64, Settle: 1e9, PodStartRounds: 3}},
		{"podstart", []string{"-podstart", "1,10,30", "-podstart-rounds", "2"}, options{Binary: "bin/skiff", Duration: 5e9, Clients: []int{1, 16, 64}, ListSize: 100, WatchEvents: 1000, RSSObjects: 10000, FillClients: 64, Settle: 3e9, PodStart: []int{1, 10, 30}, PodStartRounds: 2}},
		{"quick keeps explicit flags", []string{"-quick", "-duration", "2s", "-clients", "4"}, options{Binary: "bin/skiff", Duration: 2e9, Clients: []int{4}, ListSize: 100, WatchEvents: 200, RSSObjects: 1000, FillClients: 64, Settle: 1e9, PodStartRounds: 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseFlags(tt.args)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("parseFlags mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestStatCPU(t *testing.T) {
	tests := []struct {
		name string
		stat string
		want time.Duration
	}{
		{"containerd", "1234 (containerd) S 1 1234 1234 0 -1 4194560 5000 0 0 0 150 50 30 20 20 0 12 0 100 0 0", 2500 * time.Millisecond},
		{"name with spaces and parens", "99 (a (b) c) R 1 99 99 0 -1 0 0 0 0 0 1 2 3 4 20 0 1 0 5 0 0", 100 * time.Millisecond},
		{"truncated", "7 (x) S 1", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := statCPU([]byte(tt.stat)); got != tt.want {
				t.Errorf("statCPU = %v, want %v", got, tt.want)
			}
		})
	}
}
