package server

import (
	"bytes"
	"errors"
	"fmt"
	"time"
)

// logLine is one parsed CRI log line: "<RFC3339Nano> <stream> <P|F> <text>".
type logLine struct {
	ts      time.Time
	stream  string
	partial bool
	text    []byte
}

// parseCRILine parses a line without its trailing newline.
func parseCRILine(b []byte) (logLine, error) {
	ts, rest, ok := bytes.Cut(b, []byte{' '})
	if !ok {
		return logLine{}, errors.New("no timestamp")
	}
	t, err := time.Parse(time.RFC3339Nano, string(ts))
	if err != nil {
		return logLine{}, fmt.Errorf("timestamp: %w", err)
	}
	stream, rest, ok := bytes.Cut(rest, []byte{' '})
	if !ok {
		return logLine{}, errors.New("no stream")
	}
	tag, text, _ := bytes.Cut(rest, []byte{' '})
	return logLine{ts: t, stream: string(stream), partial: bytes.HasPrefix(tag, []byte("P")), text: text}, nil
}

// message is a complete log line: partial lines joined, with the first part's timestamp.
type message struct {
	ts   time.Time
	text []byte // without newline
}

// joiner joins partial lines per stream into messages.
type joiner struct {
	pending map[string]*message
}

// add feeds one line and returns a complete message, if the line completes one.
func (j *joiner) add(l logLine) (message, bool) {
	if j.pending == nil {
		j.pending = map[string]*message{}
	}
	m := j.pending[l.stream]
	if m == nil {
		m = &message{ts: l.ts}
	}
	m.text = append(m.text, l.text...)
	if l.partial {
		j.pending[l.stream] = m
		return message{}, false
	}
	delete(j.pending, l.stream)
	return *m, true
}

// format writes a message as kubectl shows it.
func (m message) format(timestamps bool) []byte {
	var b []byte
	if timestamps {
		b = append(b, m.ts.UTC().Format(time.RFC3339Nano)...)
		b = append(b, ' ')
	}
	b = append(b, m.text...)
	return append(b, '\n')
}
