package server

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"time"

	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"
)

// logOptions are the query parameters of /containerLogs (as PodLogOptions).
type logOptions struct {
	follow, previous, timestamps bool
	tailLines                    int64 // -1: all
	since                        time.Time
	limitBytes                   int64 // 0: no limit
}

func parseLogOptions(q url.Values, now time.Time) (logOptions, error) {
	o := logOptions{tailLines: -1}
	var err error
	for _, b := range []struct {
		name string
		dst  *bool
	}{{"follow", &o.follow}, {"previous", &o.previous}, {"timestamps", &o.timestamps}} {
		if v := q.Get(b.name); v != "" {
			if *b.dst, err = strconv.ParseBool(v); err != nil {
				return o, fmt.Errorf("%s: %w", b.name, err)
			}
		}
	}
	if o.tailLines, err = intParam(q, "tailLines", -1); err != nil {
		return o, err
	}
	if o.limitBytes, err = intParam(q, "limitBytes", 0); err != nil {
		return o, err
	}
	secs, err := intParam(q, "sinceSeconds", 0)
	if err != nil {
		return o, err
	}
	if secs > 0 {
		o.since = now.Add(-time.Duration(secs) * time.Second)
	}
	if v := q.Get("sinceTime"); v != "" {
		if o.since, err = time.Parse(time.RFC3339, v); err != nil {
			return o, fmt.Errorf("sinceTime: %w", err)
		}
	}
	return o, nil
}

func intParam(q url.Values, name string, def int64) (int64, error) {
	v := q.Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%s: invalid value %q", name, v)
	}
	return n, nil
}

// serveLogs serves GET /containerLogs/{ns}/{pod}/{container}.
func (s *Server) serveLogs(w http.ResponseWriter, r *http.Request) {
	opts, err := parseLogOptions(r.URL.Query(), s.cfg.Clock.Now())
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	pod, ok := s.cfg.Host.GetPod(r.PathValue("ns"), r.PathValue("pod"))
	if !ok {
		http.Error(w, fmt.Sprintf("pod %s/%s not found", r.PathValue("ns"), r.PathValue("pod")), http.StatusNotFound)
		return
	}
	id, path, err := s.cfg.Host.ContainerID(pod, r.PathValue("container"), opts.previous)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	f, err := os.Open(path)
	if err != nil {
		http.Error(w, fmt.Sprintf("failed to open log file %q: %v", path, err), http.StatusNotFound)
		return
	}
	defer f.Close()
	w.Header().Set("Content-Type", "text/plain")
	lw := newLimitWriter(w, opts.limitBytes)
	alive := func(ctx context.Context) bool { return s.running(ctx, id) }
	if err := s.copyLog(r.Context(), f, lw, opts, alive); err != nil && !errors.Is(err, errLimit) && r.Context().Err() == nil {
		s.log.Debug("log stream ended", "pod", pod.Name, "namespace", pod.Namespace, "error", err)
	}
}

// running reports whether the container still runs (then a follow keeps waiting).
func (s *Server) running(ctx context.Context, id string) bool {
	st, err := s.cfg.Host.Runtime().ContainerStatus(ctx, &runtimeapi.ContainerStatusRequest{ContainerId: id})
	return err == nil && st.GetStatus().GetState() == runtimeapi.ContainerState_CONTAINER_RUNNING
}

// copyLog writes the messages of a CRI log file to w: first the existing ones (filtered by
// since and tailLines), then, when following, new ones until the container stops running.
func (s *Server) copyLog(ctx context.Context, f io.Reader, w *limitWriter, opts logOptions, alive func(context.Context) bool) error {
	rd := bufio.NewReader(f)
	var j joiner
	tail := newTail(opts.tailLines)
	pending, err := readMessages(rd, &j, nil, func(m message) {
		if m.ts.Before(opts.since) {
			return
		}
		tail.add(m)
	})
	if err != nil {
		return err
	}
	for _, m := range tail.messages() {
		if err := w.write(m.format(opts.timestamps)); err != nil {
			return err
		}
	}
	w.flush()
	if !opts.follow {
		return nil
	}
	return s.follow(ctx, rd, &j, pending, w, opts, alive)
}

// follow polls for new lines until the container stops and the file is drained, or ctx ends.
func (s *Server) follow(ctx context.Context, rd *bufio.Reader, j *joiner, pending []byte, w *limitWriter, opts logOptions, alive func(context.Context) bool) error {
	ticker := s.cfg.Clock.NewTicker(100 * time.Millisecond)
	defer ticker.Stop()
	for {
		stopped := !alive(ctx) // checked before reading, so the last lines are not lost
		var werr error
		var err error
		pending, err = readMessages(rd, j, pending, func(m message) {
			if werr == nil {
				werr = w.write(m.format(opts.timestamps))
			}
		})
		if err != nil || werr != nil {
			return errors.Join(err, werr)
		}
		w.flush()
		if stopped {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-ticker.C():
		}
	}
}

// readMessages reads complete lines until EOF and hands each finished message to emit.
// pending is a line read earlier without its newline; the unfinished rest is returned.
func readMessages(rd *bufio.Reader, j *joiner, pending []byte, emit func(message)) ([]byte, error) {
	for {
		b, err := rd.ReadBytes('\n')
		pending = append(pending, b...)
		if errors.Is(err, io.EOF) {
			return pending, nil
		}
		if err != nil {
			return pending, err
		}
		line, perr := parseCRILine(pending[:len(pending)-1])
		pending = nil
		if perr != nil {
			continue
		}
		if m, ok := j.add(line); ok {
			emit(m)
		}
	}
}
