// Package etcdtest starts a real embedded etcd for a test, on free loopback ports in a temp dir.
package etcdtest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"skiff/pkg/etcd"
)

var (
	portsMu sync.Mutex
	handed  = map[int]bool{}
)

// FreePort returns a loopback TCP port that was free a moment ago. Ports come from 20000-29999:
// below the kernel's ephemeral range (so outgoing connections do not take them between this
// call and the bind) and below the NodePort range; a port is never handed out twice in one
// process.
func FreePort(t testing.TB) int {
	t.Helper()
	p, err := Port()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// Port is FreePort for callers without a test handle (TestMain): same ports, same rules.
func Port() (int, error) {
	portsMu.Lock()
	defer portsMu.Unlock()
	for range 1000 {
		p := 20000 + rand.IntN(10000)
		if handed[p] {
			continue
		}
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p))
		if err != nil {
			continue
		}
		l.Close()
		handed[p] = true
		return p, nil
	}
	return 0, fmt.Errorf("etcdtest: no free port in 20000-29999")
}

// Start runs an embedded etcd until the test ends and returns a client for it.
func Start(t testing.TB) *clientv3.Client {
	t.Helper()
	// A port can still be taken between FreePort and etcd's bind: try again on fresh ports.
	var (
		e      *etcd.Embedded
		cancel context.CancelFunc
		done   chan error
	)
	for attempt := 1; ; attempt++ {
		var err error
		e, err = etcd.New(etcd.Config{DataDir: t.TempDir(), ClientPort: FreePort(t), PeerPort: FreePort(t)})
		if err != nil {
			t.Fatal(err)
		}
		var ctx context.Context
		ctx, cancel = context.WithCancel(context.Background())
		done = make(chan error, 1)
		go func() { done <- e.Run(ctx) }()
		select {
		case <-e.Ready():
		case err = <-done:
			cancel()
			if attempt < 5 && strings.Contains(err.Error(), "address already in use") {
				continue
			}
			t.Fatalf("etcd: %v", err)
		}
		break
	}
	c, err := clientv3.New(clientv3.Config{Endpoints: e.Endpoints(), DialTimeout: 5 * time.Second})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c.Close()
		cancel()
		<-done
	})
	return c
}
