package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// agentProcess is a `skiff agent` child process joined to a benchmark server.
type agentProcess struct {
	cmd     *exec.Cmd
	dir     string
	logPath string
	exited  chan error
}

// startAgent copies the image tarballs into dir/images and starts `skiff agent` joined to srv
// with its token. The caller must call stop.
func startAgent(binary string, srv *serverProcess, dir string, images []string) (*agentProcess, error) {
	if err := os.MkdirAll(filepath.Join(dir, "images"), 0o700); err != nil {
		return nil, err
	}
	for _, img := range images {
		data, err := os.ReadFile(img)
		if err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(dir, "images", filepath.Base(img)), data, 0o600); err != nil {
			return nil, err
		}
	}
	ports, err := freePorts(1)
	if err != nil {
		return nil, err
	}
	a := &agentProcess{dir: dir, logPath: filepath.Join(filepath.Dir(dir), "agent.log"), exited: make(chan error, 1)}
	logFile, err := os.Create(a.logPath)
	if err != nil {
		return nil, err
	}
	defer logFile.Close()
	a.cmd = exec.Command(binary, "agent", "--server", srv.url, "--token-file", filepath.Join(srv.dataDir, "data", "token"),
		"--data-dir", dir, "--node-name", "bench-node", "--kubelet-port", strconv.Itoa(ports[0]))
	a.cmd.Stdout, a.cmd.Stderr = logFile, logFile
	a.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	if err := a.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start agent: %w", err)
	}
	go func() { a.exited <- a.cmd.Wait() }()
	return a, nil
}

// stop sends SIGTERM, waits up to grace, then kills the agent. Its containerd stops with it.
func (a *agentProcess) stop(grace time.Duration) {
	a.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-a.exited:
	case <-time.After(grace):
		a.cmd.Process.Kill()
		<-a.exited
	}
}

// rss samples the resident memory of the agent, its containerd and shims, and the server.
func (a *agentProcess) rss(pods int, srv *serverProcess) *nodeRSS {
	r := &nodeRSS{Pods: pods}
	r.Agent, _ = readRSS(fmt.Sprintf("/proc/%d/status", a.cmd.Process.Pid))
	r.Server, _ = srv.rssBytes()
	for _, pid := range pidsMentioning(a.dir) {
		comm, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
		rss, err := readRSS(fmt.Sprintf("/proc/%d/status", pid))
		if err != nil {
			continue
		}
		switch c := strings.TrimSpace(string(comm)); {
		case strings.HasPrefix(c, "containerd-shim"):
			r.Shim += rss
		case c == "containerd":
			r.Containerd += rss
		}
	}
	return r
}

// nodeCPU is CPU time (user+system, with waited-for children) of the node's processes.
type nodeCPU struct{ Agent, Containerd, Shims time.Duration }

// cpu samples the CPU time of the agent, its containerd (CNI plugins included: it waits for
// them) and the live shims (runc included).
func (a *agentProcess) cpu() nodeCPU {
	c := nodeCPU{Agent: processCPU(a.cmd.Process.Pid)}
	for _, pid := range pidsMentioning(a.dir) {
		comm, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
		switch name := strings.TrimSpace(string(comm)); {
		case strings.HasPrefix(name, "containerd-shim"):
			c.Shims += processCPU(pid)
		case name == "containerd":
			c.Containerd += processCPU(pid)
		}
	}
	return c
}

// idleCPU is the CPU the node's processes spend per second over d.
func (a *agentProcess) idleCPU(d time.Duration) nodeCPU {
	before := a.cpu()
	time.Sleep(d)
	after := a.cpu()
	per := func(x, y time.Duration) time.Duration { return time.Duration(float64(y-x) / d.Seconds()) }
	return nodeCPU{Agent: per(before.Agent, after.Agent), Containerd: per(before.Containerd, after.Containerd), Shims: per(before.Shims, after.Shims)}
}

// processCPU reads the CPU time of pid (see statCPU); 0 if it is gone.
func processCPU(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	return statCPU(b)
}

// statCPU sums utime, stime, cutime and cstime (fields 14 to 17, in USER_HZ = 100 ticks) of a
// /proc/PID/stat line. The command name, field 2, is in parentheses and may hold spaces.
func statCPU(b []byte) time.Duration {
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	var ticks int64
	for _, i := range []int{11, 12, 13, 14} { // fields 14..17 counted from the state, field 3
		if i < len(f) {
			n, _ := strconv.ParseInt(f[i], 10, 64)
			ticks += n
		}
	}
	return time.Duration(ticks) * 10 * time.Millisecond
}

// pidsMentioning lists the processes whose command line contains s.
func pidsMentioning(s string) []int {
	var pids []int
	paths, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil || !bytes.Contains(b, []byte(s)) {
			continue
		}
		if pid, err := strconv.Atoi(filepath.Base(filepath.Dir(p))); err == nil && pid != os.Getpid() {
			pids = append(pids, pid)
		}
	}
	return pids
}

// killTrees SIGKILLs each of roots and all its descendants (a shim's containers would
// otherwise outlive it), children first.
func killTrees(roots []int) {
	children := map[int][]int{}
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, p := range stats {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		pid, _ := strconv.Atoi(filepath.Base(filepath.Dir(p)))
		// pid (comm) state ppid ...: comm may hold spaces, so read after the last ')'.
		if f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:])); len(f) > 1 {
			ppid, _ := strconv.Atoi(f[1])
			children[ppid] = append(children[ppid], pid)
		}
	}
	var kill func(pid int)
	kill = func(pid int) {
		for _, c := range children[pid] {
			kill(c)
		}
		syscall.Kill(pid, syscall.SIGKILL)
	}
	for _, pid := range roots {
		kill(pid)
	}
}

// cleanupNode removes what a benchmark node may leave behind once its processes stopped:
// shims still running, mounts under dir, the CNI bridge and the proxy's nftables table if the
// run created them, and dir itself unless keep.
func cleanupNode(dir string, ownBridge, ownTable, keep bool) {
	killTrees(pidsMentioning(dir))
	if b, err := os.ReadFile("/proc/self/mountinfo"); err == nil {
		lines := strings.Split(string(b), "\n")
		for i := len(lines) - 1; i >= 0; i-- {
			if f := strings.Fields(lines[i]); len(f) > 4 && strings.HasPrefix(f[4], dir+"/") {
				syscall.Unmount(f[4], syscall.MNT_DETACH)
			}
		}
	}
	if ownBridge {
		exec.Command("ip", "link", "del", podStartBridge).Run()
	}
	if ownTable {
		exec.Command("nft", "delete", "table", "ip", podStartProxyTable).Run()
	}
	if !keep {
		os.RemoveAll(dir)
	}
}
