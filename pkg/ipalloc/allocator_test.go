package ipalloc

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
)

func TestNextFree(t *testing.T) {
	usedSet := func(ids ...int) func(int) bool {
		m := map[int]bool{}
		for _, i := range ids {
			m[i] = true
		}
		return func(i int) bool { return m[i] }
	}
	tests := []struct {
		name                  string
		size, reserved, start int
		used                  func(int) bool
		want                  int
		ok                    bool
	}{
		{name: "empty", size: 10, start: 3, used: usedSet(), want: 3, ok: true},
		{name: "skips used", size: 10, start: 3, used: usedSet(3, 4), want: 5, ok: true},
		{name: "wraps", size: 10, start: 8, used: usedSet(8, 9), want: 0, ok: true},
		{name: "wraps past reserved", size: 10, reserved: 1, start: 8, used: usedSet(9), want: 1, ok: true},
		{name: "offset from reserved", size: 10, reserved: 2, start: 0, used: usedSet(), want: 2, ok: true},
		{name: "offset modulo", size: 10, reserved: 2, start: 9, used: usedSet(), want: 3, ok: true},
		{name: "full", size: 3, start: 1, used: usedSet(0, 1, 2)},
		{name: "only reserved free", size: 3, reserved: 1, used: usedSet(1, 2)},
		{name: "nothing dynamic", size: 1, reserved: 1, used: usedSet()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := NextFree(tt.size, tt.reserved, tt.start, tt.used)
			if got != tt.want || ok != tt.ok {
				t.Errorf("NextFree = %d,%v; want %d,%v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestAllocator(t *testing.T) {
	ctx := context.Background()
	r, _ := ParseIPRange("10.43.0.0/29") // 10.43.0.1 .. 10.43.0.6
	a := New(r, NewMemoryBackend(), Options{Reserved: 1})
	if err := a.Allocate(ctx, "10.43.0.8", "x"); !errors.Is(err, ErrNotInRange) {
		t.Fatalf("out of range: %v", err)
	}
	if err := a.Allocate(ctx, "10.43.0.1", "kubernetes"); err != nil {
		t.Fatalf("reserved on request: %v", err)
	}
	if err := a.Allocate(ctx, "10.43.0.1", "other"); !errors.Is(err, ErrAllocated) {
		t.Fatalf("clash: %v", err)
	}
	got := map[string]bool{}
	for i := range 5 {
		ip, err := a.AllocateNext(ctx, fmt.Sprint("svc", i))
		if err != nil {
			t.Fatalf("AllocateNext %d: %v", i, err)
		}
		if ip == "10.43.0.1" || got[ip] {
			t.Fatalf("AllocateNext gave %s twice or the reserved IP", ip)
		}
		got[ip] = true
	}
	if _, err := a.AllocateNext(ctx, "late"); !errors.Is(err, ErrFull) {
		t.Fatalf("full range: %v", err)
	}
	if err := a.Check(ctx, "10.43.0.2"); !errors.Is(err, ErrAllocated) {
		t.Fatalf("Check held: %v", err)
	}
	if err := a.Release(ctx, "10.43.0.2", "not-the-owner"); err != nil {
		t.Fatal(err)
	}
	if err := a.Check(ctx, "10.43.0.2"); !errors.Is(err, ErrAllocated) {
		t.Fatalf("release by another owner freed the item: %v", err)
	}
	if err := a.Release(ctx, "10.43.0.2", ""); err != nil {
		t.Fatal(err)
	}
	if ip, err := a.AllocateNext(ctx, "late"); err != nil || ip != "10.43.0.2" {
		t.Fatalf("after release: %s, %v", ip, err)
	}
}

func TestAllocatorConcurrent(t *testing.T) {
	b := NewMemoryBackend()
	a := New(PortRange{Base: 30000, Count: 200}, b, Options{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	seen := map[string]int{}
	for i := range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p, err := a.AllocateNext(context.Background(), fmt.Sprint(i))
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				t.Errorf("AllocateNext: %v", err)
			}
			seen[p]++
		}()
	}
	wg.Wait()
	if len(seen) != 200 {
		t.Fatalf("%d distinct ports for 200 allocations", len(seen))
	}
}

func TestStaticBand(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct{ size, div, max, want int }{
		{65534, 16, 256, 256}, {254, 16, 256, 16}, {2768, 32, 128, 86}, {20, 16, 256, 0},
	} {
		if got := StaticBand(tt.size, tt.div, tt.max); got != tt.want {
			t.Errorf("StaticBand(%d,%d,%d) = %d, want %d", tt.size, tt.div, tt.max, got, tt.want)
		}
	}
	// Dynamic allocation fills the upper part first, then the band.
	a := New(PortRange{Base: 100, Count: 40}, NewMemoryBackend(), Options{Reserved: 1, StaticBand: 16})
	for i := range 39 {
		p, err := a.AllocateNext(ctx, fmt.Sprint(i))
		if err != nil {
			t.Fatal(err)
		}
		pr := PortRange{Base: 100, Count: 40}
		if n, _ := pr.Index(p); (i < 23) != (n >= 17) {
			t.Fatalf("allocation %d got %s: the band 101-116 must be used last", i, p)
		}
	}
}
