package server

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// userHZ is the unit of /proc/stat times (USER_HZ is 100 on Linux).
const userHZ = 100

// cpuSample is the busy CPU time of the node at a moment.
type cpuSample struct {
	at   time.Time
	busy uint64 // nanoseconds
}

// nodeCPU remembers the last sample so usageNanoCores is a rate between requests.
type nodeCPU struct {
	mu   sync.Mutex
	last cpuSample
}

// rate records s and returns the usage in nanocores since the previous sample (ok false on
// the first call).
func (n *nodeCPU) rate(s cpuSample) (uint64, bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	prev := n.last
	n.last = s
	d := s.at.Sub(prev.at)
	if prev.at.IsZero() || d <= 0 || s.busy < prev.busy {
		return 0, false
	}
	return uint64(float64(s.busy-prev.busy) / d.Seconds()), true
}

// readBusyCPU reads the aggregate "cpu" line of <proc>/stat: user nice system idle iowait
// irq softirq steal; busy is everything but idle and iowait.
func readBusyCPU(proc string) (uint64, error) {
	data, err := os.ReadFile(filepath.Join(proc, "stat"))
	if err != nil {
		return 0, err
	}
	line, _, _ := bytes.Cut(data, []byte{'\n'})
	f := strings.Fields(string(line))
	if len(f) < 5 || f[0] != "cpu" {
		return 0, fmt.Errorf("%s/stat: no cpu line", proc)
	}
	var busy uint64
	for i, v := range f[1:] {
		if i == 3 || i == 4 || i >= 8 { // idle, iowait; guest times are already in user
			continue
		}
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("%s/stat: %w", proc, err)
		}
		busy += n
	}
	return busy * (1e9 / userHZ), nil
}

// meminfo holds the /proc/meminfo fields used, in bytes.
type meminfo struct {
	total, free, available uint64
}

func readMeminfo(proc string) (meminfo, error) {
	f, err := os.Open(filepath.Join(proc, "meminfo"))
	if err != nil {
		return meminfo{}, err
	}
	defer f.Close()
	var m meminfo
	fields := map[string]*uint64{"MemTotal:": &m.total, "MemFree:": &m.free, "MemAvailable:": &m.available}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		parts := strings.Fields(sc.Text())
		if len(parts) < 2 || fields[parts[0]] == nil {
			continue
		}
		kb, err := strconv.ParseUint(parts[1], 10, 64)
		if err != nil {
			return m, fmt.Errorf("%s/meminfo %s: %w", proc, parts[0], err)
		}
		*fields[parts[0]] = kb * 1024
	}
	return m, sc.Err()
}
