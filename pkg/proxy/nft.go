package proxy

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"sigs.k8s.io/knftables"
)

// TableName is the nftables table (family ip) the proxy owns.
const TableName = "skiff-proxy"

// NFTables applies Rulesets to the `ip skiff-proxy` table, one transaction per Apply. It is
// not safe for concurrent use (the Proxy calls it from its sync loop only).
type NFTables struct {
	nft knftables.Interface
	// applied is what the table holds after the last successful Apply; nil: unknown (start,
	// or the last transaction failed), so the next Apply rebuilds the table.
	applied *nftState
}

// NewNFTables checks that nft works (runs `nft --check`) and returns a backend.
func NewNFTables() (*NFTables, error) {
	nft, err := knftables.New(knftables.IPv4Family, TableName)
	if err != nil {
		return nil, fmt.Errorf("nftables: %w", err)
	}
	return &NFTables{nft: nft}, nil
}

// Name implements Backend.
func (b *NFTables) Name() string { return "nftables" }

// Apply implements Backend: full rewrites the content of every chain, map and set; otherwise
// only what changed since the last Apply is written. The first Apply (and the one after a
// failure) deletes and recreates the table in the same transaction, so traffic keeps
// flowing across restarts.
func (b *NFTables) Apply(ctx context.Context, rs Ruleset, full bool) error {
	want := renderNFT(rs)
	tx := b.nft.NewTransaction()
	buildNFTTransaction(tx, b.applied, want, full)
	if err := b.nft.Run(ctx, tx); err != nil {
		b.applied = nil
		return fmt.Errorf("nft transaction: %w", err)
	}
	b.applied = &want
	return nil
}

// Cleanup implements Backend: it deletes the table.
func (b *NFTables) Cleanup(ctx context.Context) error {
	tx := b.nft.NewTransaction()
	tx.Add(&knftables.Table{})
	tx.Delete(&knftables.Table{})
	return b.nft.Run(ctx, tx)
}

// buildNFTTransaction writes into tx the operations that turn table content old into want.
// old == nil recreates the table; full rewrites everything but keeps affinity sets.
func buildNFTTransaction(tx *knftables.Transaction, old *nftState, want nftState, full bool) {
	tx.Add(&knftables.Table{Comment: knftables.PtrTo("skiff service proxy")})
	if old == nil {
		tx.Delete(&knftables.Table{})
		tx.Add(&knftables.Table{Comment: knftables.PtrTo("skiff service proxy")})
		old, full = &nftState{}, true
	}
	// Sets and chains first (referenced by rules and map elements), then their contents.
	for _, name := range sortedKeys(want.sets) {
		if _, ok := old.sets[name]; !ok || full {
			tx.Add(&knftables.Set{Name: name, Type: "ipv4_addr", Flags: []knftables.SetFlag{knftables.DynamicFlag, knftables.TimeoutFlag},
				Timeout: knftables.PtrTo(time.Duration(want.sets[name]) * time.Second)})
		}
	}
	for _, name := range sortedKeys(want.chains) {
		if _, ok := old.chains[name]; !ok || full {
			tx.Add(&knftables.Chain{Name: name})
		}
	}
	for name, typ := range nftMapTypes {
		if isNFTSet(name) {
			tx.Add(&knftables.Set{Name: name, Type: typ})
		} else {
			tx.Add(&knftables.Map{Name: name, Type: typ})
		}
	}
	if full {
		for _, c := range nftBaseChains() {
			addNFTBaseChain(tx, c)
		}
	}
	for _, name := range sortedKeys(want.chains) {
		rules, had := old.chains[name]
		if had && !full && slices.Equal(rules, want.chains[name]) {
			continue
		}
		if had || full {
			tx.Flush(&knftables.Chain{Name: name})
		}
		for _, r := range want.chains[name] {
			tx.Add(&knftables.Rule{Chain: name, Rule: r})
		}
	}
	for _, name := range sortedKeys(nftMapTypes) {
		diffNFTMap(tx, name, old.maps[name], want.maps[name], full)
	}
	// Deletions last: nothing refers to these chains and sets any more.
	for _, name := range sortedKeys(old.chains) {
		if _, ok := want.chains[name]; !ok {
			tx.Flush(&knftables.Chain{Name: name})
			tx.Delete(&knftables.Chain{Name: name})
		}
	}
	for _, name := range sortedKeys(old.sets) {
		if _, ok := want.sets[name]; !ok {
			tx.Delete(&knftables.Set{Name: name})
		}
	}
}

func addNFTBaseChain(tx *knftables.Transaction, c nftBaseChain) {
	typ, hook, prio := knftables.BaseChainType(c.typ), knftables.BaseChainHook(c.hook), knftables.BaseChainPriority(c.priority)
	ch := &knftables.Chain{Name: c.name, Type: &typ, Hook: &hook, Priority: &prio}
	tx.Add(ch)
	tx.Flush(ch)
	for _, r := range c.rules {
		tx.Add(&knftables.Rule{Chain: c.name, Rule: r})
	}
}

func diffNFTMap(tx *knftables.Transaction, name string, old, want map[string]string, full bool) {
	elem := func(k, v string) *knftables.Element {
		if isNFTSet(name) {
			return &knftables.Element{Set: name, Key: strings.Split(k, " . ")}
		}
		return &knftables.Element{Map: name, Key: strings.Split(k, " . "), Value: []string{v}}
	}
	if full {
		if isNFTSet(name) {
			tx.Flush(&knftables.Set{Name: name})
		} else {
			tx.Flush(&knftables.Map{Name: name})
		}
		old = nil
	}
	for _, k := range sortedKeys(old) {
		if v, ok := want[k]; !ok || v != old[k] {
			tx.Delete(elem(k, old[k]))
		}
	}
	for _, k := range sortedKeys(want) {
		if v, ok := old[k]; !ok || v != want[k] {
			tx.Add(elem(k, want[k]))
		}
	}
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
