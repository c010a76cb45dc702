package server

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const criLog = `2026-01-01T10:00:00.000000001Z stdout F first
2026-01-01T10:00:01Z stderr F oops
2026-01-01T10:00:02Z stdout P part one, 
2026-01-01T10:00:02.5Z stderr F interleaved
2026-01-01T10:00:03Z stdout F part two
garbage line
2026-01-01T10:00:04Z stdout F last
`

func writeLog(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "0.log")
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestContainerLogs(t *testing.T) {
	h := newHost()
	h.logs["app"] = writeLog(t, criLog)
	h.logs["prev:app"] = writeLog(t, "2026-01-01T09:00:00Z stdout F before restart\n")
	s := newTestServer(t, h, "")
	tests := []struct {
		name, query string
		code        int
		want        string
	}{
		{"all", "", 200, "first\noops\ninterleaved\npart one, part two\nlast\n"},
		{"tail 2", "?tailLines=2", 200, "part one, part two\nlast\n"},
		{"tail 0", "?tailLines=0", 200, ""},
		{"timestamps", "?tailLines=1&timestamps=true", 200, "2026-01-01T10:00:04Z last\n"},
		{"joined line keeps first timestamp", "?tailLines=2&timestamps=1", 200, "2026-01-01T10:00:02Z part one, part two\n2026-01-01T10:00:04Z last\n"},
		{"sinceTime", "?sinceTime=2026-01-01T10:00:02Z", 200, "interleaved\npart one, part two\nlast\n"},
		{"limitBytes", "?limitBytes=8", 200, "first\noo"},
		{"previous", "?previous=true", 200, "before restart\n"},
		{"bad tail", "?tailLines=x", 400, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := get(t, s, "/containerLogs/default/web/app"+tt.query)
			if w.Code != tt.code {
				t.Fatalf("code %d, want %d: %s", w.Code, tt.code, w.Body)
			}
			if tt.code == 200 {
				if diff := cmp.Diff(tt.want, w.Body.String()); diff != "" {
					t.Errorf("(-want +got):\n%s", diff)
				}
			}
		})
	}
	for path, code := range map[string]int{"/containerLogs/default/nope/app": 404, "/containerLogs/default/web/other": 400} {
		if w := get(t, s, path); w.Code != code || w.Body.Len() == 0 {
			t.Errorf("%s: code %d, want %d with a message", path, w.Code, code)
		}
	}
}

func TestContainerLogsSinceSeconds(t *testing.T) {
	h := newHost()
	now := time.Now().UTC()
	h.logs["app"] = writeLog(t, now.Add(-time.Hour).Format(time.RFC3339Nano)+" stdout F old\n"+now.Add(-time.Second).Format(time.RFC3339Nano)+" stdout F new\n")
	s := newTestServer(t, h, "")
	if got := get(t, s, "/containerLogs/default/web/app?sinceSeconds=60").Body.String(); got != "new\n" {
		t.Errorf("got %q, want only the recent line", got)
	}
}

func TestContainerLogsFollow(t *testing.T) {
	h := newHost()
	path := writeLog(t, "2026-01-01T10:00:00Z stdout F one\n")
	h.logs["app"] = path
	h.runtime.setRunning("id-app", true)
	s := newTestServer(t, h, "")
	go func() {
		time.Sleep(150 * time.Millisecond)
		f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
		f.WriteString("2026-01-01T10:00:01Z stdout F tw") // a line written in two chunks
		time.Sleep(150 * time.Millisecond)
		f.WriteString("o parts\n2026-01-01T10:00:02Z stdout F three\n")
		f.Close()
		h.runtime.setRunning("id-app", false)
	}()
	done := make(chan string)
	go func() { done <- get(t, s, "/containerLogs/default/web/app?follow=true").Body.String() }()
	select {
	case got := <-done:
		if want := "one\ntwo parts\nthree\n"; got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("follow did not end after the container stopped")
	}
}

func TestParseCRILine(t *testing.T) {
	l, err := parseCRILine([]byte("2026-01-01T10:00:00Z stderr P a b "))
	if err != nil || l.stream != "stderr" || !l.partial || string(l.text) != "a b " {
		t.Errorf("got %+v, %v", l, err)
	}
	if _, err := parseCRILine([]byte("not-a-time stdout F x")); err == nil || !strings.Contains(err.Error(), "timestamp") {
		t.Errorf("bad timestamp: err = %v", err)
	}
}
