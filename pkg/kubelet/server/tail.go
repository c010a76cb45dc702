package server

import (
	"errors"
	"net/http"
)

// tail keeps the last n messages (all when n < 0).
type tail struct {
	n   int64
	buf []message
}

func newTail(n int64) *tail { return &tail{n: n} }

func (t *tail) add(m message) {
	if t.n == 0 {
		return
	}
	t.buf = append(t.buf, m)
	if t.n > 0 && int64(len(t.buf)) > 2*t.n {
		t.buf = append(t.buf[:0], t.buf[int64(len(t.buf))-t.n:]...)
	}
}

func (t *tail) messages() []message {
	if t.n >= 0 && int64(len(t.buf)) > t.n {
		return t.buf[int64(len(t.buf))-t.n:]
	}
	return t.buf
}

// errLimit ends a log stream once limitBytes were written.
var errLimit = errors.New("limitBytes reached")

// limitWriter writes at most left bytes (no limit when limit is 0) and flushes.
type limitWriter struct {
	w       http.ResponseWriter
	left    int64
	limited bool
}

func newLimitWriter(w http.ResponseWriter, limit int64) *limitWriter {
	return &limitWriter{w: w, left: limit, limited: limit > 0}
}

func (l *limitWriter) write(b []byte) error {
	if l.limited {
		if l.left <= 0 {
			return errLimit
		}
		if int64(len(b)) > l.left {
			b = b[:l.left]
		}
		l.left -= int64(len(b))
	}
	_, err := l.w.Write(b)
	return err
}

func (l *limitWriter) flush() {
	if f, ok := l.w.(http.Flusher); ok {
		f.Flush()
	}
}
