package kubelet

import (
	"bufio"
	"bytes"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// nodeReadings are the resource readings the node's pressure conditions are decided from. A
// zero total means "unknown" and never signals pressure.
type nodeReadings struct {
	// MemoryAvailable is MemAvailable of /proc/meminfo, in bytes (MemoryKnown when read).
	MemoryAvailable int64
	MemoryKnown     bool
	// FSAvailable and FSCapacity are bytes of the data dir's filesystem (statfs: Bavail, Blocks).
	FSAvailable, FSCapacity int64
	// InodesFree and Inodes are the inodes of that filesystem.
	InodesFree, Inodes int64
	// PIDsInUse is the number of tasks (threads) on the host; PIDMax is kernel.pid_max.
	PIDsInUse, PIDMax int64
}

// evictionThresholds are hard eviction signals, as the upstream kubelet's --eviction-hard.
type evictionThresholds struct {
	// MemoryAvailable: memory.available below this many bytes is memory pressure.
	MemoryAvailable int64
	// NodeFSAvailablePercent: nodefs.available below this share of capacity is disk pressure.
	NodeFSAvailablePercent float64
	// NodeFSInodesFreePercent: nodefs.inodesFree below this share is disk pressure.
	NodeFSInodesFreePercent float64
	// PIDAvailablePercent: pid.available below this share of pid_max is PID pressure.
	PIDAvailablePercent float64
}

// defaultEvictionHard are upstream's Linux defaults (memory.available<100Mi,
// nodefs.available<10%, nodefs.inodesFree<5%) plus pid.available<10%, which upstream leaves
// unset.
var defaultEvictionHard = evictionThresholds{
	MemoryAvailable:         100 << 20,
	NodeFSAvailablePercent:  10,
	NodeFSInodesFreePercent: 5,
	PIDAvailablePercent:     10,
}

// nodePressure says which pressure conditions are True.
type nodePressure struct{ Memory, Disk, PID bool }

// decidePressure compares readings with the thresholds. Unknown readings are no pressure.
func decidePressure(r nodeReadings, th evictionThresholds) nodePressure {
	below := func(avail, total int64, pct float64) bool {
		return total > 0 && float64(avail) < float64(total)*pct/100
	}
	return nodePressure{
		Memory: r.MemoryKnown && r.MemoryAvailable < th.MemoryAvailable,
		Disk: below(r.FSAvailable, r.FSCapacity, th.NodeFSAvailablePercent) ||
			below(r.InodesFree, r.Inodes, th.NodeFSInodesFreePercent),
		PID: r.PIDMax > 0 && below(r.PIDMax-r.PIDsInUse, r.PIDMax, th.PIDAvailablePercent),
	}
}

// readNodeReadings reads /proc/meminfo, statfs of rootDir, /proc/loadavg and
// /proc/sys/kernel/pid_max. Sources that cannot be read stay unknown.
func readNodeReadings(rootDir string) nodeReadings {
	var r nodeReadings
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		r.MemoryAvailable, r.MemoryKnown = meminfoBytes(b, "MemAvailable:")
	}
	var st unix.Statfs_t
	if unix.Statfs(rootDir, &st) == nil {
		r.FSAvailable, r.FSCapacity = int64(st.Bavail)*st.Bsize, int64(st.Blocks)*st.Bsize
		r.InodesFree, r.Inodes = int64(st.Ffree), int64(st.Files)
	}
	r.PIDMax, _ = strconv.ParseInt(readTrim("/proc/sys/kernel/pid_max"), 10, 64)
	r.PIDsInUse = loadavgTasks(readTrim("/proc/loadavg"))
	return r
}

// meminfoBytes parses a "Key: N kB" line of /proc/meminfo into bytes.
func meminfoBytes(b []byte, key string) (int64, bool) {
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 2 && f[0] == key {
			kb, err := strconv.ParseInt(f[1], 10, 64)
			return kb * 1024, err == nil
		}
	}
	return 0, false
}

// loadavgTasks is the total of the "running/total" field of /proc/loadavg (0 if absent).
func loadavgTasks(s string) int64 {
	f := strings.Fields(s)
	if len(f) < 4 {
		return 0
	}
	_, total, _ := strings.Cut(f[3], "/")
	n, _ := strconv.ParseInt(total, 10, 64)
	return n
}
