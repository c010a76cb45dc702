package framework

// StateKey names one plugin's entry in a CycleState.
type StateKey string

// StateData is one plugin's per-cycle data. Clone must return a copy that can be mutated
// (by PreFilterExtensions during preemption) without affecting the original.
type StateData interface {
	Clone() StateData
}

// CycleState is a small per-cycle map that plugins use to pass data from PreFilter to
// Filter/Score. It belongs to one scheduling cycle and is not safe for concurrent writes;
// concurrent reads during Filter are fine.
//
// It holds a handful of entries, so it is a slice scanned linearly: cheaper than a map
// for the per-node Read calls of a cycle.
type CycleState struct {
	entries []stateEntry
}

type stateEntry struct {
	key  StateKey
	data StateData
}

// NewCycleState returns an empty state.
func NewCycleState() *CycleState {
	return &CycleState{entries: make([]stateEntry, 0, 16)}
}

// Write stores data under key, replacing any previous entry.
func (c *CycleState) Write(key StateKey, data StateData) {
	for i := range c.entries {
		if c.entries[i].key == key {
			c.entries[i].data = data
			return
		}
	}
	c.entries = append(c.entries, stateEntry{key, data})
}

// Read returns the data stored under key, or nil.
func (c *CycleState) Read(key StateKey) StateData {
	for i := range c.entries {
		if c.entries[i].key == key {
			return c.entries[i].data
		}
	}
	return nil
}

// Clone returns a deep copy: every entry is cloned with its own Clone.
func (c *CycleState) Clone() *CycleState {
	out := &CycleState{entries: make([]stateEntry, len(c.entries))}
	for i, e := range c.entries {
		out.entries[i] = stateEntry{e.key, e.data.Clone()}
	}
	return out
}
