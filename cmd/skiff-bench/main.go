// Command skiff-bench measures a real `skiff server`: it starts the built binary on free
// loopback ports in a temp dir, drives it with client-go (create, get, update and list of
// ConfigMaps at several client counts, watch delivery latency), samples the server's RSS, prints
// the figures as Markdown tables on stdout and stops the server. Progress goes to stderr.
//
// `make bench` runs it; -quick gives a run of well under a minute. -scheduler, -deployment and
// -podstart run other benchmarks instead; -podstart (root, containerd) times pod starts on a real
// node: a `skiff agent` joined to the server.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// options are the command's flags.
type options struct {
	Binary      string
	Duration    time.Duration
	Clients     []int
	ListSize    int
	WatchEvents int
	RSSObjects  int
	FillClients int
	Settle      time.Duration
	ContentType string
	Keep        bool
	// Sched, when set, runs the scheduler benchmark (nodes x pods scenarios) instead.
	Sched []schedScenario
	// Deployment, when set, runs the Deployment benchmark (nodes x replicas scenarios) instead.
	Deployment []schedScenario
	// PodStart, when set, runs the pod start benchmark (batch sizes) on a real node instead.
	PodStart       []int
	PodStartRounds int
	// Profile, when set, receives a 10 s CPU profile of the server taken during pod creation.
	Profile string
}

func main() {
	opts, err := parseFlags(os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "skiff-bench:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if len(opts.PodStart) > 0 {
		if err := runPodStart(ctx, opts, os.Stdout, os.Stderr); err != nil {
			fmt.Fprintln(os.Stderr, "skiff-bench:", err)
			os.Exit(1)
		}
		return
	}
	if len(opts.Deployment) > 0 {
		if err := runDeployments(ctx, opts, os.Stdout, os.Stderr); err != nil {
			fmt.Fprintln(os.Stderr, "skiff-bench:", err)
			os.Exit(1)
		}
		return
	}
	if len(opts.Sched) > 0 {
		if err := runScheduler(ctx, opts, os.Stdout, os.Stderr); err != nil {
			fmt.Fprintln(os.Stderr, "skiff-bench:", err)
			os.Exit(1)
		}
		return
	}
	rep, err := run(ctx, opts, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "skiff-bench:", err)
		os.Exit(1)
	}
	rep.Print(os.Stdout)
}

// parseFlags reads the flags; -quick changes the defaults of the size and duration flags that
// are not given explicitly.
func parseFlags(args []string) (options, error) {
	var o options
	var clients string
	var quick bool
	var sched, deploy, podStart string
	fs := flag.NewFlagSet("skiff-bench", flag.ContinueOnError)
	fs.StringVar(&o.Binary, "skiff", "bin/skiff", "the skiff binary to benchmark (make build)")
	fs.DurationVar(&o.Duration, "duration", 5*time.Second, "length of each timed phase")
	fs.StringVar(&clients, "clients", "1,16,64", "comma-separated concurrent client counts")
	fs.IntVar(&o.ListSize, "list-size", 100, "ConfigMaps in the listed namespace")
	fs.IntVar(&o.WatchEvents, "watch-events", 1000, "creates whose watch delivery is timed")
	fs.IntVar(&o.RSSObjects, "rss-objects", 10000, "ConfigMaps created before the second RSS sample")
	fs.IntVar(&o.FillClients, "fill-clients", 64, "concurrent clients creating the RSS ConfigMaps")
	fs.DurationVar(&o.Settle, "settle", 3*time.Second, "wait after ready before the idle RSS sample")
	fs.StringVar(&o.ContentType, "content-type", "", "client wire format (default client-go's, JSON; e.g. application/vnd.kubernetes.protobuf)")
	fs.BoolVar(&o.Keep, "keep", false, "keep the temp dir (server log, etcd data) after the run")
	fs.BoolVar(&quick, "quick", false, "short run: -duration 1s -watch-events 200 -rss-objects 1000 -settle 1s")
	fs.StringVar(&sched, "scheduler", "", "run the scheduler benchmark instead: NODESxPODS scenarios, e.g. 500x5000,5000x10000")
	fs.StringVar(&deploy, "deployment", "", "run the Deployment benchmark instead: NODESxREPLICAS scenarios, e.g. 100x1000")
	fs.StringVar(&podStart, "podstart", "", "run the pod start benchmark instead (root, containerd): batch sizes, e.g. 1,10,30")
	fs.IntVar(&o.PodStartRounds, "podstart-rounds", 3, "with -podstart: rounds of each batch size")
	fs.StringVar(&o.Profile, "profile", "", "with -scheduler: write a 10 s server CPU profile taken during pod creation to this file")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if quick {
		applyQuick(fs)
	}
	var err error
	if o.Clients, err = parseInts(clients); err != nil {
		return o, err
	}
	if sched != "" {
		if o.Sched, err = parseScenarios(sched); err != nil {
			return o, err
		}
	}
	if podStart != "" {
		if o.PodStart, err = parseInts(podStart); err != nil {
			return o, err
		}
	}
	if deploy != "" {
		o.Deployment, err = parseScenarios(deploy)
	}
	return o, err
}

// applyQuick sets the quick values of the flags the user did not set.
func applyQuick(fs *flag.FlagSet) {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	quick := map[string]string{"duration": "1s", "watch-events": "200", "rss-objects": "1000", "settle": "1s"}
	for name, value := range quick {
		if !set[name] {
			fs.Set(name, value)
		}
	}
}

func parseInts(s string) ([]int, error) {
	var out []int
	for _, part := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(part))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("bad client count %q", part)
		}
		out = append(out, n)
	}
	return out, nil
}
