package main

import (
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

// server holds the toggles and the memory kept by /alloc.
type server struct {
	started      time.Time
	readyDelay   time.Duration
	unhealthy    atomic.Bool
	unready      atomic.Bool
	shuttingDown atomic.Bool
	grpcHealth   *health.Server

	mu   sync.Mutex
	kept [][]byte
}

func newServer() *server {
	return &server{started: time.Now(), readyDelay: envDuration("READY_DELAY"), grpcHealth: health.NewServer()}
}

func (s *server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/", s.root)
	mux.HandleFunc("/healthz", s.check(s.healthy, http.StatusInternalServerError))
	mux.HandleFunc("/readyz", s.check(s.ready, http.StatusServiceUnavailable))
	mux.HandleFunc("/healthz/fail", s.toggle(&s.unhealthy, true))
	mux.HandleFunc("/healthz/ok", s.toggle(&s.unhealthy, false))
	mux.HandleFunc("/readyz/fail", s.toggle(&s.unready, true))
	mux.HandleFunc("/readyz/ok", s.toggle(&s.unready, false))
	mux.HandleFunc("/hostname", hostname)
	mux.HandleFunc("/env", env)
	mux.HandleFunc("/exit", exit)
	mux.HandleFunc("/burn", burn)
	mux.HandleFunc("/alloc", s.alloc)
	mux.HandleFunc("/file", file)
	mux.HandleFunc("/log", logMsg)
	mux.HandleFunc("/sleep", sleep)
	return mux
}

func (s *server) healthy() bool { return !s.unhealthy.Load() }

func (s *server) ready() bool {
	return !s.unready.Load() && !s.shuttingDown.Load() && time.Since(s.started) >= s.readyDelay
}

func (s *server) check(ok func() bool, failCode int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !ok() {
			http.Error(w, "fail", failCode)
			return
		}
		fmt.Fprintln(w, "ok")
	}
}

func (s *server) toggle(flag *atomic.Bool, fail bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		flag.Store(fail)
		s.syncHealth()
		log.Printf("%s", r.URL.Path)
		fmt.Fprintln(w, r.URL.Path)
	}
}

// syncHealth mirrors the HTTP checks into the gRPC health service.
func (s *server) syncHealth() {
	s.grpcHealth.SetServingStatus("", servingStatus(s.healthy()))
	s.grpcHealth.SetServingStatus("ready", servingStatus(s.ready()))
}

func servingStatus(ok bool) healthpb.HealthCheckResponse_ServingStatus {
	if ok {
		return healthpb.HealthCheckResponse_SERVING
	}
	return healthpb.HealthCheckResponse_NOT_SERVING
}

func (s *server) serveGRPC(addr string) {
	lis, err := net.Listen("tcp", addr)
	if err != nil {
		log.Printf("grpc: %v", err)
		return
	}
	g := grpc.NewServer()
	healthpb.RegisterHealthServer(g, s.grpcHealth)
	s.syncHealth()
	go s.refreshReady()
	log.Printf("grpc health listening on %s", addr)
	g.Serve(lis)
}

// refreshReady flips the gRPC "ready" status once READY_DELAY has passed.
func (s *server) refreshReady() {
	time.Sleep(s.readyDelay)
	s.syncHealth()
}

func (s *server) root(w http.ResponseWriter, r *http.Request) {
	h, _ := os.Hostname()
	fmt.Fprintf(w, "testserver %s\n", h)
}

func hostname(w http.ResponseWriter, r *http.Request) {
	h, _ := os.Hostname()
	fmt.Fprintln(w, h)
}

func env(w http.ResponseWriter, r *http.Request) {
	e := os.Environ()
	sort.Strings(e)
	fmt.Fprintln(w, strings.Join(e, "\n"))
}

func exit(w http.ResponseWriter, r *http.Request) {
	code, _ := strconv.Atoi(r.URL.Query().Get("code"))
	log.Printf("/exit: exiting with code %d", code)
	fmt.Fprintf(w, "exiting %d\n", code)
	w.(http.Flusher).Flush()
	time.AfterFunc(50*time.Millisecond, func() { os.Exit(code) })
}

func burn(w http.ResponseWriter, r *http.Request) {
	secs := floatParam(r, "seconds", 1)
	workers := int(floatParam(r, "workers", 1))
	end := time.Now().Add(time.Duration(secs * float64(time.Second)))
	var wg sync.WaitGroup
	for range max(workers, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for x := 0; time.Now().Before(end); x++ {
				_ = x * x
			}
		}()
	}
	wg.Wait()
	fmt.Fprintf(w, "burned %gs on %d workers\n", secs, max(workers, 1))
}

func (s *server) alloc(w http.ResponseWriter, r *http.Request) {
	mb := int(floatParam(r, "mb", 0))
	buf := make([]byte, mb<<20)
	for i := 0; i < len(buf); i += 4096 {
		buf[i] = 1
	}
	s.mu.Lock()
	s.kept = append(s.kept, buf)
	total := 0
	for _, b := range s.kept {
		total += len(b) >> 20
	}
	s.mu.Unlock()
	log.Printf("/alloc: allocated %d MiB, %d MiB in total", mb, total)
	fmt.Fprintf(w, "allocated %d MiB, %d MiB in total\n", mb, total)
}

func file(w http.ResponseWriter, r *http.Request) {
	data, err := os.ReadFile(r.URL.Query().Get("path"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	w.Write(data)
}

func logMsg(w http.ResponseWriter, r *http.Request) {
	out := os.Stdout
	if r.URL.Query().Get("stream") == "stderr" {
		out = os.Stderr
	}
	fmt.Fprintln(out, r.URL.Query().Get("msg"))
	fmt.Fprintln(w, "logged")
}

func sleep(w http.ResponseWriter, r *http.Request) {
	time.Sleep(time.Duration(floatParam(r, "seconds", 1) * float64(time.Second)))
	fmt.Fprintln(w, "slept")
}

func floatParam(r *http.Request, key string, def float64) float64 {
	if f, err := strconv.ParseFloat(r.URL.Query().Get(key), 64); err == nil {
		return f
	}
	return def
}
