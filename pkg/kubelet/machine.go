package kubelet

import (
	"bufio"
	"bytes"
	"os"
	"runtime"
	"strings"

	"golang.org/x/sys/unix"
)

// machineFacts describe the host for the Node object.
type machineFacts struct {
	CPUs                          int
	MemoryBytes, StorageBytes     int64
	Kernel, OSImage               string
	MachineID, BootID, SystemUUID string
	Hostname                      string
}

// readMachineFacts reads /proc/meminfo, statfs of rootDir, uname, /etc/os-release and the
// machine and boot IDs. Missing sources leave fields empty.
func readMachineFacts(rootDir string) machineFacts {
	f := machineFacts{CPUs: runtime.NumCPU()}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		f.MemoryBytes, _ = meminfoBytes(b, "MemTotal:")
	}
	var st unix.Statfs_t
	if unix.Statfs(rootDir, &st) == nil {
		f.StorageBytes = int64(st.Blocks) * st.Bsize
	}
	var u unix.Utsname
	if unix.Uname(&u) == nil {
		f.Kernel = unix.ByteSliceToString(u.Release[:])
	}
	f.OSImage = "Linux"
	if b, err := os.ReadFile("/etc/os-release"); err == nil {
		if v := osRelease(b, "PRETTY_NAME"); v != "" {
			f.OSImage = v
		}
	}
	f.MachineID = readTrim("/etc/machine-id")
	f.BootID = readTrim("/proc/sys/kernel/random/boot_id")
	f.SystemUUID = strings.ToLower(readTrim("/sys/class/dmi/id/product_uuid"))
	f.Hostname, _ = os.Hostname()
	return f
}

func readTrim(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// osRelease returns key's (unquoted) value from an os-release file.
func osRelease(b []byte, key string) string {
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), "=")
		if ok && k == key {
			return strings.Trim(v, `"'`)
		}
	}
	return ""
}
