// Command testserver is the program of the localhost/testserver:v1 image, a small server for
// end-to-end tests of the node agent. Configuration comes from the environment:
//
//	PORT            HTTP port (default 8080)
//	ECHO_PORT       TCP echo port (default 9000)
//	GRPC_PORT       gRPC health service port (default 9090); "0" disables it
//	SHUTDOWN_DELAY  after SIGTERM keep serving this long, then exit 0 (Go duration or seconds)
//	STARTUP_DELAY   wait this long before listening
//	READY_DELAY     /readyz fails until this long after start
//	EXIT_AFTER      exit on its own this long after start, with EXIT_CODE (default 1)
//
// HTTP endpoints (any method):
//
//	/                     "testserver <hostname>"
//	/healthz, /readyz     200 "ok", or 500/503 once failed; /healthz/fail, /healthz/ok,
//	                      /readyz/fail, /readyz/ok toggle them (readyz also fails while
//	                      shutting down)
//	/hostname             the hostname
//	/env                  the environment, sorted, one KEY=VALUE a line
//	/exit?code=N          answer, then exit with code N (default 0)
//	/burn?seconds=N&workers=W  burn CPU for N seconds (default 1) on W goroutines (default 1)
//	/alloc?mb=N           allocate and touch N MiB and keep them (for OOM tests)
//	/file?path=P          the content of file P (for volume tests)
//	/log?msg=M&stream=S   write M to stdout, or stderr when S is "stderr"
//	/sleep?seconds=N      answer after N seconds (for probe timeouts)
//
// The gRPC health service (grpc.health.v1) reports service "" as /healthz and "ready" as
// /readyz. Port 9000 echoes every TCP connection back.
package main

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"
)

func main() {
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	s := newServer()
	time.Sleep(envDuration("STARTUP_DELAY"))
	if d := envDuration("EXIT_AFTER"); d > 0 {
		code, _ := strconv.Atoi(envOr("EXIT_CODE", "1"))
		time.AfterFunc(d, func() { log.Printf("EXIT_AFTER %s: exiting with code %d", d, code); os.Exit(code) })
	}
	go serveEcho(":" + envOr("ECHO_PORT", "9000"))
	if p := envOr("GRPC_PORT", "9090"); p != "0" {
		go s.serveGRPC(":" + p)
	}
	srv := &http.Server{Addr: ":" + envOr("PORT", "8080"), Handler: s.routes(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		log.Printf("testserver listening on %s", srv.Addr)
		if err := srv.ListenAndServe(); err != nil && err != http.ErrServerClosed {
			log.Fatalf("http: %v", err)
		}
	}()
	waitSignal(s)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	srv.Shutdown(ctx)
	log.Printf("exiting 0")
}

// waitSignal blocks until SIGTERM or SIGINT, then keeps serving for SHUTDOWN_DELAY.
func waitSignal(s *server) {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)
	sig := <-sigs
	delay := envDuration("SHUTDOWN_DELAY")
	log.Printf("received %s, shutting down in %s", sig, delay)
	s.shuttingDown.Store(true)
	s.syncHealth()
	time.Sleep(delay)
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// envDuration parses a Go duration ("1.5s") or a number of seconds ("2"); unset or bad is 0.
func envDuration(key string) time.Duration {
	v := os.Getenv(key)
	if v == "" {
		return 0
	}
	if d, err := time.ParseDuration(v); err == nil {
		return d
	}
	if f, err := strconv.ParseFloat(v, 64); err == nil {
		return time.Duration(f * float64(time.Second))
	}
	fmt.Fprintf(os.Stderr, "ignoring bad duration %s=%q\n", key, v)
	return 0
}
