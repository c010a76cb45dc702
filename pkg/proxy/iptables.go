package proxy

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"
)

// The iptables backend's fixed chains; per-service chains are SKF-SVC-*, SKF-EXT-*, SKF-SEP-*.
const (
	iptServices   = "SKIFF-SERVICES"
	iptNodePorts  = "SKIFF-NODEPORTS"
	iptMarkMasq   = "SKIFF-MARK-MASQ"
	iptPostroute  = "SKIFF-POSTROUTING"
	iptFirewall   = "SKIFF-FIREWALL"
	iptChainShare = "SKF-"
)

// iptJumps are the rules that hook our chains into the built-in ones ("table chain target").
// The masquerade jump goes first in POSTROUTING, ahead of the CNI bridge's ipMasq rule.
var iptJumps = [][3]string{
	{"nat", "PREROUTING", iptServices},
	{"nat", "OUTPUT", iptServices},
	{"nat", "POSTROUTING", iptPostroute},
	{"filter", "INPUT", iptFirewall},
	{"filter", "FORWARD", iptFirewall},
	{"filter", "OUTPUT", iptFirewall},
}

// IPTables applies Rulesets with one `iptables-restore --noflush` of our own chains per Apply
// (always a full rewrite of them: it is the fallback, kept simple); the jumps from the built-in
// chains are checked on full syncs. Not safe for concurrent use.
type IPTables struct {
	// chains are the per-service chains of the last successful Apply (deleted when unwanted).
	chains map[string]bool
	synced bool
}

// NewIPTables checks that iptables-restore exists and returns a backend.
func NewIPTables() (*IPTables, error) {
	if _, err := exec.LookPath("iptables-restore"); err != nil {
		return nil, fmt.Errorf("iptables: %w", err)
	}
	return &IPTables{}, nil
}

// Name implements Backend.
func (b *IPTables) Name() string { return "iptables" }

// Apply implements Backend.
func (b *IPTables) Apply(ctx context.Context, rs Ruleset, full bool) error {
	hook := full || !b.synced // the jumps are checked on full syncs only: each check lists the table
	if !b.synced {
		b.chains = existingIPTChains(ctx)
	}
	text, chains := renderIPTables(rs, b.chains)
	if err := run(ctx, text, "iptables-restore", "-w", "--noflush"); err != nil {
		b.synced = false
		return fmt.Errorf("iptables-restore: %w", err)
	}
	b.chains, b.synced = chains, true
	for _, j := range iptJumps {
		if !hook {
			break
		}
		if err := ensureIPTJump(ctx, j[0], j[1], j[2]); err != nil {
			b.synced = false
			return err
		}
	}
	return nil
}

// Cleanup implements Backend: it unhooks and deletes our chains.
func (b *IPTables) Cleanup(ctx context.Context) error {
	for _, j := range iptJumps {
		for exec.CommandContext(ctx, "iptables", "-w", "-t", j[0], "-D", j[1], "-j", j[2]).Run() == nil {
		}
	}
	var buf bytes.Buffer
	existing := existingIPTChains(ctx)
	for _, table := range []string{"nat", "filter"} {
		fmt.Fprintf(&buf, "*%s\n", table)
		names := iptFixedChains(table)
		if table == "nat" {
			names = append(names, sortedKeys(existing)...)
		}
		for _, c := range names {
			fmt.Fprintf(&buf, ":%s - [0:0]\n", c)
		}
		for _, c := range names {
			fmt.Fprintf(&buf, "-X %s\n", c)
		}
		buf.WriteString("COMMIT\n")
	}
	return run(ctx, buf.String(), "iptables-restore", "-w", "--noflush")
}

func iptFixedChains(table string) []string {
	if table == "filter" {
		return []string{iptFirewall}
	}
	return []string{iptServices, iptNodePorts, iptMarkMasq, iptPostroute}
}

func ensureIPTJump(ctx context.Context, table, chain, target string) error {
	if exec.CommandContext(ctx, "iptables", "-w", "-t", table, "-C", chain, "-j", target).Run() == nil {
		return nil
	}
	out, err := exec.CommandContext(ctx, "iptables", "-w", "-t", table, "-I", chain, "1", "-j", target).CombinedOutput()
	if err != nil {
		return fmt.Errorf("iptables -t %s -I %s -j %s: %v: %s", table, chain, target, err, out)
	}
	return nil
}

// hasIPTChains reports whether any of our chains exists (nat or filter table).
func hasIPTChains(ctx context.Context) bool {
	out, _ := exec.CommandContext(ctx, "iptables-save").Output()
	return bytes.Contains(out, []byte("\n:SKIFF-")) || bytes.Contains(out, []byte("\n:"+iptChainShare))
}

// existingIPTChains lists our per-service chains in the nat table (best effort).
func existingIPTChains(ctx context.Context) map[string]bool {
	out, _ := exec.CommandContext(ctx, "iptables-save", "-t", "nat").Output()
	chains := map[string]bool{}
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, ":"+iptChainShare) {
			chains[strings.Fields(line[1:])[0]] = true
		}
	}
	return chains
}

// renderIPTables returns the iptables-restore input for rs and the per-service chains it
// creates; chains of stale (previously created, now unwanted) are flushed and deleted. Pure.
func renderIPTables(rs Ruleset, stale map[string]bool) (string, map[string]bool) {
	var nat, filter, decl bytes.Buffer
	chains := map[string]bool{}
	add := func(b *bytes.Buffer, format string, args ...any) { fmt.Fprintf(b, format+"\n", args...) }
	add(&nat, "-A %s -j MARK --or-mark %s", iptMarkMasq, masqMark)
	add(&nat, "-A %s -m mark ! --mark %s/%s -j RETURN", iptPostroute, masqMark, masqMark)
	add(&nat, "-A %s -j MARK --xor-mark %s", iptPostroute, masqMark)
	add(&nat, "-A %s -j MASQUERADE --random-fully", iptPostroute)
	add(&filter, "-A %s -d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP", iptFirewall)
	for i := range rs.Services {
		renderIPTService(&nat, &filter, &rs.Services[i], rs.ClusterCIDR, chains)
	}
	add(&nat, "-A %s -m addrtype --dst-type LOCAL -j %s", iptServices, iptNodePorts)
	var b bytes.Buffer
	b.WriteString("*nat\n")
	for _, c := range iptFixedChains("nat") {
		add(&decl, ":%s - [0:0]", c)
	}
	all := sortedKeys(chains)
	for _, c := range all {
		add(&decl, ":%s - [0:0]", c)
	}
	var gone []string
	for _, c := range sortedKeys(stale) {
		if !chains[c] {
			add(&decl, ":%s - [0:0]", c)
			gone = append(gone, c)
		}
	}
	b.Write(decl.Bytes())
	b.Write(nat.Bytes())
	for _, c := range gone {
		add(&b, "-X %s", c)
	}
	b.WriteString("COMMIT\n*filter\n")
	add(&b, ":%s - [0:0]", iptFirewall)
	b.Write(filter.Bytes())
	b.WriteString("COMMIT\n")
	return b.String(), chains
}

func renderIPTService(nat, filter *bytes.Buffer, s *ServicePort, clusterCIDR string, chains map[string]bool) {
	add := func(b *bytes.Buffer, format string, args ...any) { fmt.Fprintf(b, format+"\n", args...) }
	match := func(ip string) string { return fmt.Sprintf("-d %s/32 -p %s --dport %d", ip, s.Protocol, s.Port) }
	reject := "REJECT"
	if s.Protocol == "tcp" {
		reject = "REJECT --reject-with tcp-reset"
	}
	if s.Reject {
		for _, ip := range append([]string{s.ClusterIP}, s.ExternalIPs...) {
			add(filter, "-A %s %s -m comment --comment %q -j %s", iptFirewall, match(ip), s.Name, reject)
		}
		if s.NodePort != 0 {
			add(filter, "-A %s -m addrtype --dst-type LOCAL -p %s --dport %d -j %s", iptFirewall, s.Protocol, s.NodePort, reject)
		}
		return
	}
	for _, e := range s.Endpoints() {
		sep := iptChainShare + "SEP-" + s.EndpointID(e)
		chains[sep] = true
		add(nat, "-A %s -s %s/32 -j %s", sep, e.IP, iptMarkMasq)
		recent := ""
		if s.AffinitySeconds > 0 {
			recent = fmt.Sprintf(" -m recent --name %s --set", sep)
		}
		add(nat, "-A %s -p %s%s -j DNAT --to-destination %s", sep, s.Protocol, recent, e)
	}
	svc := iptChainShare + "SVC-" + s.ID
	chains[svc] = true
	// As in nftables: the node's own connections are not masqueraded.
	if clusterCIDR != "" {
		add(nat, "-A %s ! -s %s -m addrtype ! --src-type LOCAL -j %s", svc, clusterCIDR, iptMarkMasq)
	} else {
		add(nat, "-A %s -m addrtype ! --src-type LOCAL -j %s", svc, iptMarkMasq)
	}
	iptDispatch(nat, svc, s, s.Internal)
	add(nat, "-A %s %s -m comment --comment %q -j %s", iptServices, match(s.ClusterIP), s.Name, svc)
	if !s.HasExternal() {
		return
	}
	ext := iptChainShare + "EXT-" + s.ID
	chains[ext] = true
	if s.ExternalLocal {
		if clusterCIDR != "" {
			add(nat, "-A %s -s %s -j %s", ext, clusterCIDR, svc)
		}
		add(nat, "-A %s -m addrtype --src-type LOCAL -j %s", ext, iptMarkMasq)
		add(nat, "-A %s -m addrtype --src-type LOCAL -j %s", ext, svc)
	} else {
		add(nat, "-A %s -j %s", ext, iptMarkMasq)
	}
	iptDispatch(nat, ext, s, s.External)
	for _, ip := range s.ExternalIPs {
		add(nat, "-A %s %s -m comment --comment %q -j %s", iptServices, match(ip), s.Name, ext)
	}
	if s.NodePort != 0 {
		add(nat, "-A %s -p %s --dport %d -m comment --comment %q -j %s", iptNodePorts, s.Protocol, s.NodePort, s.Name, ext)
	}
}

// iptDispatch appends chain's endpoint choice: affinity first, then random with statistic
// probabilities 1/n, 1/(n-1), ..., 1. No endpoint: DROP.
func iptDispatch(b *bytes.Buffer, chain string, s *ServicePort, eps []Endpoint) {
	if len(eps) == 0 {
		fmt.Fprintf(b, "-A %s -j DROP\n", chain)
		return
	}
	if s.AffinitySeconds > 0 {
		for _, e := range eps {
			sep := iptChainShare + "SEP-" + s.EndpointID(e)
			fmt.Fprintf(b, "-A %s -m recent --name %s --rcheck --seconds %d --reap -j %s\n", chain, sep, s.AffinitySeconds, sep)
		}
	}
	for i, e := range eps {
		sep := iptChainShare + "SEP-" + s.EndpointID(e)
		if left := len(eps) - i; left > 1 {
			fmt.Fprintf(b, "-A %s -m statistic --mode random --probability %.10f -j %s\n", chain, 1/float64(left), sep)
		} else {
			fmt.Fprintf(b, "-A %s -j %s\n", chain, sep)
		}
	}
}

func run(ctx context.Context, stdin, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%v: %s", err, bytes.TrimSpace(out))
	}
	return nil
}
