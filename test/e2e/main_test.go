// Package e2e builds the skiff binary once, starts `skiff server` on free ports in a temp dir
// and drives it with `skiff kubectl` (upstream kubectl), as a user would.
package e2e

import (
	"bytes"
	"context"
	"crypto/tls"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"skiff/pkg/etcd/etcdtest"
)

// cluster is a running `skiff server`.
type cluster struct {
	bin        string
	dir        string
	kubeconfig string
	url        string
	cmd        *exec.Cmd
	log        *bytes.Buffer
}

var shared *cluster

func TestMain(m *testing.M) {
	flag.Parse()
	if testing.Short() {
		fmt.Println("e2e: skipped in -short mode")
		os.Exit(0)
	}
	code, err := run(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		os.Exit(1)
	}
	os.Exit(code)
}

func run(m *testing.M) (int, error) {
	tmp, err := os.MkdirTemp("", "skiff-e2e-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(tmp)
	bin := filepath.Join(tmp, "skiff")
	build := exec.Command("go", "build", "-o", bin, "skiff/cmd/skiff")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return 0, fmt.Errorf("build: %w", err)
	}
	c, err := startCluster(bin, filepath.Join(tmp, "data"))
	if err != nil {
		return 0, err
	}
	shared = c
	code := m.Run()
	stopNodeCluster(code != 0)
	c.stop()
	if code != 0 {
		fmt.Fprintf(os.Stderr, "--- server log (tail) ---\n%s\n", tail(c.log.String(), 4000))
	}
	return code, nil
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// freePort is a loopback port for a server of the test (etcdtest's rules: below the ephemeral
// and NodePort ranges, never handed out twice).
func freePort() int {
	p, err := etcdtest.Port()
	if err != nil {
		panic(err)
	}
	return p
}

func startCluster(bin, dir string) (*cluster, error) {
	port := freePort()
	c := &cluster{bin: bin, dir: dir, kubeconfig: filepath.Join(dir, "kubeconfig.yaml"), url: fmt.Sprintf("https://127.0.0.1:%d", port), log: &bytes.Buffer{}}
	c.cmd = exec.Command(bin, "server", "--data-dir", dir, "--bind-address", "127.0.0.1",
		"--https-port", fmt.Sprint(port), "--etcd-client-port", fmt.Sprint(freePort()), "--etcd-peer-port", fmt.Sprint(freePort()), "--disable-agent")
	c.cmd.Stdout, c.cmd.Stderr = c.log, c.log
	if err := c.cmd.Start(); err != nil {
		return nil, err
	}
	if err := c.waitReady(90 * time.Second); err != nil {
		c.stop()
		return nil, fmt.Errorf("%w\n%s", err, c.log.String())
	}
	return c, nil
}

func (c *cluster) waitReady(timeout time.Duration) error {
	client := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		resp, err := client.Get(c.url + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	return fmt.Errorf("server not ready after %v", timeout)
}

func (c *cluster) stop() {
	if c.cmd.Process != nil {
		c.cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { c.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			c.cmd.Process.Kill()
		}
	}
}

// kubectlCmd is `skiff kubectl args...` with the cluster's kubeconfig, its HOME and cache dir.
func (c *cluster) kubectlCmd(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, c.bin, append([]string{"kubectl", "--kubeconfig", c.kubeconfig}, args...)...)
	cmd.Env = append(os.Environ(), "HOME="+c.dir, "KUBECACHEDIR="+filepath.Join(c.dir, "kubecache"))
	return cmd
}

// kubectl runs `skiff kubectl` with the cluster's kubeconfig and returns stdout, stderr and the error.
func (c *cluster) kubectl(ctx context.Context, stdin string, args ...string) (string, string, error) {
	cmd := c.kubectlCmd(ctx, args...)
	if stdin != "" {
		cmd.Stdin = strings.NewReader(stdin)
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	return out.String(), errb.String(), err
}

// run runs kubectl against c, fails the test on an error and returns stdout and stderr.
func (c *cluster) run(t testing.TB, timeout time.Duration, stdin string, args ...string) (string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	out, errOut, err := c.kubectl(ctx, stdin, args...)
	if err != nil {
		t.Fatalf("kubectl %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, out, errOut)
	}
	return out, errOut
}

// must runs kubectl against c and fails the test on an error.
func (c *cluster) must(t testing.TB, stdin string, args ...string) string {
	t.Helper()
	out, _ := c.run(t, 90*time.Second, stdin, args...)
	return out
}

// ok runs kubectl against the shared cluster and fails the test on an error or on any warning
// printed to stderr.
func ok(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	out, errOut := shared.run(t, 60*time.Second, stdin, args...)
	if strings.TrimSpace(errOut) != "" {
		t.Fatalf("kubectl %s printed to stderr (warnings are defects):\n%s", strings.Join(args, " "), errOut)
	}
	return out
}

// fails runs kubectl, expecting a non-zero exit, and returns stderr.
func fails(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, errOut, err := shared.kubectl(ctx, stdin, args...)
	if err == nil {
		t.Fatalf("kubectl %s succeeded, want failure\nstdout:\n%s", strings.Join(args, " "), out)
	}
	return errOut
}
