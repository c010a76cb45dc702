package kubelet

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestDecidePressure(t *testing.T) {
	const gi = 1 << 30
	healthy := nodeReadings{
		MemoryAvailable: 2 * gi, MemoryKnown: true,
		FSAvailable: 50 * gi, FSCapacity: 100 * gi, InodesFree: 900, Inodes: 1000,
		PIDsInUse: 500, PIDMax: 32768,
	}
	with := func(f func(r *nodeReadings)) nodeReadings { r := healthy; f(&r); return r }
	tests := []struct {
		name string
		r    nodeReadings
		want nodePressure
	}{
		{"healthy", healthy, nodePressure{}},
		{"nothing known", nodeReadings{}, nodePressure{}},
		{"memory just above 100Mi", with(func(r *nodeReadings) { r.MemoryAvailable = 100<<20 + 1 }), nodePressure{}},
		{"memory at 100Mi", with(func(r *nodeReadings) { r.MemoryAvailable = 100 << 20 }), nodePressure{}},
		{"memory below 100Mi", with(func(r *nodeReadings) { r.MemoryAvailable = 100<<20 - 1 }), nodePressure{Memory: true}},
		{"memory unknown", with(func(r *nodeReadings) { r.MemoryAvailable, r.MemoryKnown = 0, false }), nodePressure{}},
		{"disk 10% free", with(func(r *nodeReadings) { r.FSAvailable = 10 * gi }), nodePressure{}},
		{"disk 9% free", with(func(r *nodeReadings) { r.FSAvailable = 9 * gi }), nodePressure{Disk: true}},
		{"disk capacity unknown", with(func(r *nodeReadings) { r.FSAvailable, r.FSCapacity = 0, 0 }), nodePressure{}},
		{"inodes 4% free", with(func(r *nodeReadings) { r.InodesFree = 40 }), nodePressure{Disk: true}},
		{"inodes 5% free", with(func(r *nodeReadings) { r.InodesFree = 50 }), nodePressure{}},
		{"pids 91% used", with(func(r *nodeReadings) { r.PIDsInUse = 29900 }), nodePressure{PID: true}},
		{"pids 89% used", with(func(r *nodeReadings) { r.PIDsInUse = 29000 }), nodePressure{}},
		{"pid_max unknown", with(func(r *nodeReadings) { r.PIDMax = 0 }), nodePressure{}},
		{"all at once", nodeReadings{MemoryKnown: true, FSCapacity: 100, Inodes: 100, PIDMax: 100, PIDsInUse: 100}, nodePressure{true, true, true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, decidePressure(tt.r, defaultEvictionHard)); diff != "" {
				t.Errorf("pressure (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNodeConditionsPressure(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	first := nodeConditions(nil, nodePressure{}, t0)
	second := nodeConditions(first, nodePressure{Disk: true}, t0.Add(time.Minute))
	byType := func(cs []v1.NodeCondition) map[v1.NodeConditionType]v1.NodeCondition {
		m := map[v1.NodeConditionType]v1.NodeCondition{}
		for _, c := range cs {
			m[c.Type] = c
		}
		return m
	}
	got := byType(second)
	disk := got[v1.NodeDiskPressure]
	if disk.Status != v1.ConditionTrue || disk.Reason != "KubeletHasDiskPressure" || !disk.LastTransitionTime.Time.Equal(t0.Add(time.Minute)) {
		t.Errorf("DiskPressure = %+v", disk)
	}
	mem := got[v1.NodeMemoryPressure]
	if mem.Status != v1.ConditionFalse || mem.Reason != "KubeletHasSufficientMemory" || !mem.LastTransitionTime.Time.Equal(t0) {
		t.Errorf("MemoryPressure = %+v", mem)
	}
	if got[v1.NodeReady].Status != v1.ConditionTrue || got[v1.NodePIDPressure].Status != v1.ConditionFalse {
		t.Errorf("conditions = %+v", second)
	}
	if hb := got[v1.NodeReady].LastHeartbeatTime; !hb.Equal(&metav1.Time{Time: t0.Add(time.Minute)}) {
		t.Errorf("heartbeat = %v", hb)
	}
}

func TestReadNodeReadings(t *testing.T) {
	r := readNodeReadings(t.TempDir())
	if !r.MemoryKnown || r.MemoryAvailable <= 0 || r.FSCapacity <= 0 || r.FSAvailable > r.FSCapacity || r.PIDMax <= 0 || r.PIDsInUse <= 0 {
		t.Errorf("readings = %+v", r)
	}
	if got := loadavgTasks("0.10 0.20 0.30 3/117 27410"); got != 117 {
		t.Errorf("loadavgTasks = %d", got)
	}
}
