package proxy

import "context"

// Backend programs a Ruleset into the kernel.
type Backend interface {
	// Name is "nftables" or "iptables".
	Name() string
	// Apply makes the kernel's rules match rs in one atomic transaction; full rewrites all
	// of the backend's rules (repairs drift), otherwise only what changed since the last
	// successful Apply may be written. After an error the next Apply rewrites everything.
	Apply(ctx context.Context, rs Ruleset, full bool) error
	// Cleanup removes every rule, chain, table the backend owns.
	Cleanup(ctx context.Context) error
}

var (
	_ Backend = (*NFTables)(nil)
	_ Backend = (*IPTables)(nil)
)
