package ipalloc

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
)

// Errors of an Allocator; the API server turns them into 422 field errors.
var (
	// ErrAllocated: the requested item is held by someone else.
	ErrAllocated = errors.New("already allocated")
	// ErrNotInRange: the requested item is outside the range.
	ErrNotInRange = errors.New("not in the valid range")
	// ErrFull: no item is free.
	ErrFull = errors.New("range is full")
)

// Backend records which owner holds which item. Implementations must be safe for concurrent
// use by several processes: Claim succeeds for exactly one caller per free item.
type Backend interface {
	// Claim records owner as the holder of item if nobody holds it, and reports whether it did.
	Claim(ctx context.Context, item, owner string) (bool, error)
	// Release frees item if owner holds it (any holder when owner is ""); freeing a free item
	// is not an error.
	Release(ctx context.Context, item, owner string) error
	// List returns every held item with its owner.
	List(ctx context.Context) (map[string]string, error)
}

// Allocator hands out the items of a Range through a Backend. It holds no state of its own, so
// any number of Allocators (in several processes) may share one backend.
type Allocator struct {
	r        Range
	reserved int
	band     int
	b        Backend
	intN     func(int) int
}

// Options tune an Allocator.
type Options struct {
	// Reserved is the number of leading items AllocateNext never returns (they are given only on
	// request: 10.43.0.1 for the `kubernetes` Service).
	Reserved int
	// StaticBand is the number of items after the reserved ones that AllocateNext takes only
	// when the rest of the range is full, so that items users ask for by number (the cluster
	// DNS address, say) are seldom already taken (as upstream; see the StaticBand function).
	StaticBand int
	// IntN returns a random number in [0,n) (default math/rand/v2.IntN); tests inject their own.
	IntN func(n int) int
}

// New returns an allocator of r's items recorded in b.
func New(r Range, b Backend, opts Options) *Allocator {
	if opts.IntN == nil {
		opts.IntN = rand.IntN
	}
	if opts.Reserved >= r.Size() {
		opts.Reserved = 0
	}
	if opts.StaticBand < 0 || opts.StaticBand >= r.Size()-opts.Reserved {
		opts.StaticBand = 0
	}
	return &Allocator{r: r, reserved: opts.Reserved, band: opts.StaticBand, b: b, intN: opts.IntN}
}

// Range returns the allocator's range.
func (a *Allocator) Range() Range { return a.r }

// Allocate claims item for owner: ErrNotInRange or ErrAllocated when it cannot.
func (a *Allocator) Allocate(ctx context.Context, item, owner string) error {
	if _, ok := a.r.Index(item); !ok {
		return ErrNotInRange
	}
	ok, err := a.b.Claim(ctx, item, owner)
	if err != nil {
		return fmt.Errorf("claim %s: %w", item, err)
	}
	if !ok {
		return ErrAllocated
	}
	return nil
}

// randomProbes is how many random items AllocateNext tries before it lists the held ones.
const randomProbes = 4

// AllocateNext claims a free item for owner and returns it; ErrFull when none is free. It probes
// random items first (one round trip each while the range is sparse), then picks from the list
// of held items.
func (a *Allocator) AllocateNext(ctx context.Context, owner string) (string, error) {
	upper := a.r.Size() - a.reserved - a.band
	for range randomProbes {
		item := a.r.Item(a.reserved + a.band + a.intN(upper))
		if ok, err := a.b.Claim(ctx, item, owner); err != nil || ok {
			return item, err
		}
	}
	for range 3 {
		item, err := a.Next(ctx)
		if err != nil {
			return "", err
		}
		if ok, err := a.b.Claim(ctx, item, owner); err != nil || ok {
			return item, err
		}
	}
	return "", fmt.Errorf("%w: lost every race for a free item", ErrFull)
}

// Next returns a free item without claiming it (for dry runs and AllocateNext).
func (a *Allocator) Next(ctx context.Context) (string, error) {
	held, err := a.b.List(ctx)
	if err != nil {
		return "", err
	}
	used := func(i int) bool { _, h := held[a.r.Item(i)]; return h }
	lo := a.reserved + a.band
	i, ok := NextFree(a.r.Size(), lo, a.intN(a.r.Size()-lo), used)
	if !ok {
		i, ok = NextFree(lo, a.reserved, a.intN(max(a.band, 1)), used)
	}
	if !ok {
		return "", ErrFull
	}
	return a.r.Item(i), nil
}

// Check reports whether item could be allocated now: nil, ErrNotInRange or ErrAllocated.
func (a *Allocator) Check(ctx context.Context, item string) error {
	if _, ok := a.r.Index(item); !ok {
		return ErrNotInRange
	}
	held, err := a.b.List(ctx)
	if err != nil {
		return err
	}
	if _, ok := held[item]; ok {
		return ErrAllocated
	}
	return nil
}

// Release frees item if owner holds it.
func (a *Allocator) Release(ctx context.Context, item, owner string) error {
	return a.b.Release(ctx, item, owner)
}

// NextFree returns the first index among [reserved, size) for which used is false, scanning
// from reserved+offset (offset taken modulo the dynamic part's size) and wrapping around.
func NextFree(size, reserved, offset int, used func(i int) bool) (int, bool) {
	n := size - reserved
	if n <= 0 {
		return 0, false
	}
	start := (offset%n + n) % n
	for k := range n {
		i := reserved + (start+k)%n
		if !used(i) {
			return i, true
		}
	}
	return 0, false
}

// StaticBand returns upstream's size of the low band of a range of size items that dynamic
// allocation avoids: size/div, at least 16 and at most limit (service IPs: div 16, limit 256;
// node ports: div 32, limit 128); 0 for ranges too small to split.
func StaticBand(size, div, limit int) int {
	if size < 2*16 {
		return 0
	}
	return min(limit, max(16, size/div))
}
