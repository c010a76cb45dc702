package algorithm

import (
	"math"

	corev1 "k8s.io/api/core/v1"
)

// candidate is one node where preemption works and the pods it would evict.
type candidate struct {
	node        string
	victims     []*corev1.Pod
	highest     int32 // highest victim priority
	sum         int64 // sum of (priority + MaxInt32 + 1), so more victims always weigh more
	earliestTop int   // earliest start among the victims with the highest priority
}

func (c *candidate) addVictim(pod *corev1.Pod) {
	prio, start := priority(pod), startTime(pod)
	switch {
	case len(c.victims) == 0 || prio > c.highest:
		c.highest, c.earliestTop = prio, start
	case prio == c.highest:
		c.earliestTop = min(c.earliestTop, start)
	}
	c.victims = append(c.victims, pod)
	c.sum += int64(prio) + math.MaxInt32 + 1
}

// betterThan applies upstream's node choice order (PDB violations are not modelled).
func (c *candidate) betterThan(o *candidate) bool {
	switch {
	case c.highest != o.highest:
		return c.highest < o.highest
	case c.sum != o.sum:
		return c.sum < o.sum
	case len(c.victims) != len(o.victims):
		return len(c.victims) < len(o.victims)
	}
	return c.earliestTop > o.earliestTop
}
