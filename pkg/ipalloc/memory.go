package ipalloc

import (
	"context"
	"maps"
	"sync"
)

// MemoryBackend is a Backend in process memory (tests, single-process tools).
type MemoryBackend struct {
	mu   sync.Mutex
	held map[string]string
}

// NewMemoryBackend returns an empty MemoryBackend.
func NewMemoryBackend() *MemoryBackend { return &MemoryBackend{held: map[string]string{}} }

func (m *MemoryBackend) Claim(_ context.Context, item, owner string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.held[item]; ok {
		return false, nil
	}
	m.held[item] = owner
	return true, nil
}

func (m *MemoryBackend) Release(_ context.Context, item, owner string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if cur, ok := m.held[item]; ok && (owner == "" || cur == owner) {
		delete(m.held, item)
	}
	return nil
}

func (m *MemoryBackend) List(context.Context) (map[string]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return maps.Clone(m.held), nil
}
