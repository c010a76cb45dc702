package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// clientRate is the client-go QPS and burst: high enough that the client never throttles.
const clientRate = 10000

// run starts the server, takes every measurement and stops the server. It blocks for the
// whole run and writes progress lines to progress.
func run(ctx context.Context, o options, progress io.Writer) (report, error) {
	binary, err := exec.LookPath(o.Binary)
	if err != nil {
		return report{}, fmt.Errorf("%s not found (run make build first): %w", o.Binary, err)
	}
	dir, err := os.MkdirTemp("", "skiff-bench-")
	if err != nil {
		return report{}, err
	}
	if o.Keep {
		fmt.Fprintln(progress, "keeping", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	host := newMachine()
	begin := time.Now()
	srv, err := startServer(binary, dir)
	if err != nil {
		return report{}, err
	}
	defer func() {
		if err := srv.stop(20 * time.Second); err != nil {
			fmt.Fprintln(progress, "stop server:", err)
		}
	}()
	readyCtx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	cfg, err := srv.waitReady(readyCtx)
	if err != nil {
		return report{}, err
	}
	b := &bench{opts: o, srv: srv, progress: progress, rep: report{Options: o, Machine: host, Startup: time.Since(begin)}}
	err = b.measure(ctx, cfg)
	return b.rep, err
}

// bench carries one run's state through its steps.
type bench struct {
	opts     options
	srv      *serverProcess
	client   kubernetes.Interface
	progress io.Writer
	rep      report
}

func (b *bench) logf(format string, args ...any) {
	fmt.Fprintf(b.progress, "%s  "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}

// measure runs every step in order and fills b.rep.
func (b *bench) measure(ctx context.Context, cfg *rest.Config) error {
	if err := b.connect(cfg); err != nil {
		return err
	}
	steps := []func(context.Context) error{b.idle, b.fill, b.latency, b.watch, b.end}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return err
		}
	}
	return nil
}

func (b *bench) connect(cfg *rest.Config) error {
	cfg.QPS, cfg.Burst, cfg.Timeout = clientRate, clientRate, 30*time.Second
	if b.opts.ContentType != "" {
		cfg.ContentType = b.opts.ContentType
	}
	b.rep.ContentType = cfg.ContentType
	if b.rep.ContentType == "" {
		b.rep.ContentType = "application/json"
	}
	client, err := kubernetes.NewForConfig(cfg)
	b.client = client
	return err
}

func (b *bench) rss() (int64, error) {
	rss, err := b.srv.rssBytes()
	if err != nil {
		return 0, fmt.Errorf("read server RSS: %w", err)
	}
	b.logf("server RSS %.1f MiB", mib(rss))
	return rss, nil
}

// idle samples RSS once the freshly started server has settled.
func (b *bench) idle(ctx context.Context) error {
	b.logf("server ready after %s; settling %s", b.rep.Startup.Round(time.Millisecond), b.opts.Settle)
	select {
	case <-time.After(b.opts.Settle):
	case <-ctx.Done():
		return ctx.Err()
	}
	var err error
	b.rep.RSSIdle, err = b.rss()
	return err
}

// fill creates the RSS ConfigMaps in their own namespace and samples RSS again.
func (b *bench) fill(ctx context.Context) error {
	b.logf("creating %d ConfigMaps with %d clients", b.opts.RSSObjects, b.opts.FillClients)
	set, err := newConfigMapSet(ctx, b.client, "bench-fill", b.opts.FillClients)
	if err != nil {
		return err
	}
	b.rep.Fill = runPhase(ctx, "fill", load{Clients: b.opts.FillClients, Total: b.opts.RSSObjects}, set.Create)
	if b.rep.Fill.Errors > 0 {
		return fmt.Errorf("fill: %d creates failed, first: %w", b.rep.Fill.Errors, b.rep.Fill.FirstErr)
	}
	b.rep.RSSFilled, err = b.rss()
	return err
}

// end samples RSS after all the load.
func (b *bench) end(context.Context) error {
	var err error
	b.rep.RSSEnd, err = b.rss()
	b.rep.Machine.LoadEnd = loadAverage()
	return err
}

// watch measures watch delivery latency.
func (b *bench) watch(ctx context.Context) error {
	b.logf("watch delivery over %d creates", b.opts.WatchEvents)
	var err error
	b.rep.Watch, err = measureWatch(ctx, b.client, "bench-watch", b.opts.WatchEvents, 10*time.Second)
	return err
}
