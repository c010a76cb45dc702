package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
)

// serverProcess is a `skiff server` child process with its own data dir and free ports.
type serverProcess struct {
	cmd     *exec.Cmd
	dataDir string
	url     string
	exited  chan error
}

// startServer starts binary as `skiff server` in dataDir on free loopback ports and returns
// without waiting for readiness (see waitReady). The server's log goes to dataDir/server.log.
// The caller owns the process and must call stop.
func startServer(binary, dataDir string) (*serverProcess, error) {
	ports, err := freePorts(3)
	if err != nil {
		return nil, err
	}
	logFile, err := os.Create(filepath.Join(dataDir, "server.log"))
	if err != nil {
		return nil, err
	}
	defer logFile.Close()
	cmd := exec.Command(binary, "server", "--data-dir", filepath.Join(dataDir, "data"),
		"--https-port", strconv.Itoa(ports[0]), "--etcd-client-port", strconv.Itoa(ports[1]),
		"--etcd-peer-port", strconv.Itoa(ports[2]), "--bind-address", "127.0.0.1", "--disable-agent")
	cmd.Stdout, cmd.Stderr = logFile, logFile
	// If the benchmark dies without stopping the server, the kernel stops it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", binary, err)
	}
	p := &serverProcess{cmd: cmd, dataDir: dataDir, url: fmt.Sprintf("https://127.0.0.1:%d", ports[0]), exited: make(chan error, 1)}
	go func() { p.exited <- cmd.Wait() }()
	return p, nil
}

// freePorts returns n distinct loopback TCP ports that were free a moment ago.
func freePorts(n int) ([]int, error) {
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("find a free port: %w", err)
		}
		defer l.Close()
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// waitReady blocks until /readyz answers 200 and the kubeconfig exists, then returns a client
// config from that kubeconfig. It fails when the process exits or ctx ends first.
func (p *serverProcess) waitReady(ctx context.Context) (*rest.Config, error) {
	probe := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, // readiness only; the clients verify via the kubeconfig
	}}
	kubeconfig := filepath.Join(p.dataDir, "data", "kubeconfig.yaml")
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		if p.ready(probe) {
			if _, err := os.Stat(kubeconfig); err == nil {
				return clientcmd.BuildConfigFromFlags("", kubeconfig)
			}
		}
		select {
		case err := <-p.exited:
			p.exited <- err
			return nil, fmt.Errorf("server exited before ready: %v (log: %s)", err, p.logPath())
		case <-ctx.Done():
			return nil, fmt.Errorf("server not ready: %w (log: %s)", ctx.Err(), p.logPath())
		case <-tick.C:
		}
	}
}

func (p *serverProcess) ready(probe *http.Client) bool {
	resp, err := probe.Get(p.url + "/readyz")
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

func (p *serverProcess) logPath() string { return filepath.Join(p.dataDir, "server.log") }

// stop sends SIGTERM and waits up to grace for the process to exit, then kills it. It blocks
// until the process has exited.
func (p *serverProcess) stop(grace time.Duration) error {
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("signal server: %w", err)
	}
	select {
	case <-p.exited:
		return nil
	case <-time.After(grace):
	}
	p.cmd.Process.Kill()
	<-p.exited
	return fmt.Errorf("server did not stop within %s; killed", grace)
}

// rssBytes returns the server process's resident set size (VmRSS in /proc/PID/status).
func (p *serverProcess) rssBytes() (int64, error) {
	return readRSS(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
}

// readRSS parses the VmRSS line ("VmRSS:   123456 kB") of a /proc status file.
func readRSS(statusPath string) (int64, error) {
	f, err := os.Open(statusPath)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 3 && fields[0] == "VmRSS:" && fields[2] == "kB" {
			kb, err := strconv.ParseInt(fields[1], 10, 64)
			return kb * 1024, err
		}
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("no VmRSS line in %s", statusPath)
}
