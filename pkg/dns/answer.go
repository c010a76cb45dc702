package dns

import (
	"net/netip"
	"strings"

	"github.com/miekg/dns"
)

// ttl is the TTL of every record served, and of negative answers (the SOA minimum).
const ttl = 5

// result is the index's answer to one question.
type result struct {
	// ours: the name is in the cluster domain or is a known reverse name; otherwise the
	// question is forwarded and the other fields are unset.
	ours  bool
	rcode int
	// answer and extra are the records (owner names as asked).
	answer, extra []dns.RR
	// cname is the target of an ExternalName service's CNAME, to be resolved further.
	cname string
}

// lookup answers q from the index. It holds the read lock for the lookup only.
func (ix *index) lookup(q dns.Question) result {
	name := strings.ToLower(q.Name)
	if q.Qtype == dns.TypePTR || q.Qtype == dns.TypeANY {
		if r, ok := ix.reverse(q, name); ok {
			return r
		}
	}
	if name == ix.domain {
		if want(q.Qtype, dns.TypeSOA) {
			return found(ix.soa())
		}
		return nodata()
	}
	if !strings.HasSuffix(name, "."+ix.domain) {
		return result{}
	}
	labels := strings.Split(strings.TrimSuffix(name, "."+ix.domain), ".")
	n := len(labels)
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	switch labels[n-1] {
	case "svc":
		return ix.lookupService(q, labels[:n-1])
	case "pod":
		return lookupPod(q, labels[:n-1])
	}
	return nxdomain()
}

// lookupService answers names under svc.<domain>; l holds the labels left of "svc".
func (ix *index) lookupService(q dns.Question, l []string) result {
	switch len(l) {
	case 0:
		return nodata()
	case 1:
		if ix.namespaces[l[0]] > 0 {
			return nodata()
		}
		return nxdomain()
	}
	n := len(l)
	k := key{ns: l[n-1], name: l[n-2]}
	svc := ix.services[k]
	if svc == nil || len(l) > 4 {
		return nxdomain()
	}
	target := k.name + "." + k.ns + ".svc." + ix.domain
	switch {
	case len(l) == 2:
		return serviceRecords(q, svc, target)
	case len(l) == 3 && strings.HasPrefix(l[0], "_"):
		return protoNode(svc, l[0][1:])
	case len(l) == 3:
		return endpointRecords(q, svc, l[0])
	case strings.HasPrefix(l[0], "_") && strings.HasPrefix(l[1], "_"):
		return namedPortRecords(q, svc, target, l[0][1:], l[1][1:])
	}
	return nxdomain()
}

// serviceRecords are the records at <svc>.<ns>.svc.<domain>.
func serviceRecords(q dns.Question, svc *service, target string) result {
	r := result{ours: true}
	switch {
	case svc.externalName != "":
		r.answer = []dns.RR{&dns.CNAME{Hdr: hdr(q.Name, dns.TypeCNAME), Target: svc.externalName}}
		if q.Qtype != dns.TypeCNAME {
			r.cname = svc.externalName
		}
	case svc.headless:
		r.answer = addrRecords(q, nil, svc.records)
		if want(q.Qtype, dns.TypeSRV) {
			for _, rec := range svc.records {
				r.addSRV(q.Name, rec, rec.ports, len(svc.records), target)
			}
		}
	default:
		r.answer = ipRecords(q, nil, svc.ips)
		if want(q.Qtype, dns.TypeSRV) {
			for _, p := range svc.ports {
				r.answer = append(r.answer, srv(q.Name, target, p.number, 100))
			}
			if len(svc.ports) > 0 {
				r.extra = ipRecords(dns.Question{Name: target, Qtype: dns.TypeANY}, nil, svc.ips)
			}
		}
	}
	return r
}

// endpointRecords are the records at <label>.<svc>.<ns>.svc.<domain> of headless services.
func endpointRecords(q dns.Question, svc *service, label string) result {
	recs, ok := svc.byLabel[label]
	if !ok {
		return nxdomain()
	}
	return result{ours: true, answer: addrRecords(q, nil, recs)}
}

// protoNode answers _<proto>.<svc>.<ns>.svc.<domain>: a name with no records of its own that
// exists when a port of that protocol does (an empty non-terminal).
func protoNode(svc *service, proto string) result {
	for _, p := range svc.ports {
		if p.proto == proto && p.name != "" {
			return nodata()
		}
	}
	return nxdomain()
}

// namedPortRecords are the SRV records at _<port>._<proto>.<svc>.<ns>.svc.<domain>.
func namedPortRecords(q dns.Question, svc *service, target, name, proto string) result {
	i := findPort(svc.ports, name, proto)
	if i < 0 || name == "" {
		return nxdomain()
	}
	r := result{ours: true}
	if !want(q.Qtype, dns.TypeSRV) {
		return r
	}
	if !svc.headless {
		r.answer = []dns.RR{srv(q.Name, target, svc.ports[i].number, 100)}
		r.extra = ipRecords(dns.Question{Name: target, Qtype: dns.TypeANY}, nil, svc.ips)
		return r
	}
	for _, rec := range svc.records {
		if j := findPort(rec.ports, name, proto); j >= 0 {
			r.addSRV(q.Name, rec, rec.ports[j:j+1], len(svc.records), target)
		}
	}
	return r
}

// addSRV adds an SRV per port for endpoint rec of a headless service, and its address.
func (r *result) addSRV(owner string, rec record, ports []port, n int, service string) {
	target := rec.label + "." + service
	for _, p := range ports {
		r.answer = append(r.answer, srv(owner, target, p.number, uint16(max(1, 100/n))))
	}
	if len(ports) > 0 {
		r.extra = ipRecords(dns.Question{Name: target, Qtype: dns.TypeANY}, r.extra, []netip.Addr{rec.addr})
	}
}

// lookupPod answers <a-b-c-d>.<ns>.pod.<domain> with the address in the name (upstream's
// "pods insecure" mode); l holds the labels left of "pod".
func lookupPod(q dns.Question, l []string) result {
	switch len(l) {
	case 0, 1:
		return nodata()
	case 2:
		if a, ok := undashed(l[0]); ok {
			return result{ours: true, answer: ipRecords(q, nil, []netip.Addr{a})}
		}
	}
	return nxdomain()
}

// reverse answers a PTR question for an address the index knows.
func (ix *index) reverse(q dns.Question, name string) (result, bool) {
	a, ok := reverseAddr(name)
	if !ok {
		return result{}, false
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	names := ix.ptrs[a]
	if len(names) == 0 {
		return result{}, false
	}
	r := result{ours: true}
	for n := range names {
		r.answer = append(r.answer, &dns.PTR{Hdr: hdr(q.Name, dns.TypePTR), Ptr: n})
	}
	return r, true
}

// reverseAddr parses an in-addr.arpa or ip6.arpa name (lower case, fully qualified).
func reverseAddr(name string) (netip.Addr, bool) {
	if rest, ok := strings.CutSuffix(name, ".in-addr.arpa."); ok {
		l := strings.Split(rest, ".")
		if len(l) != 4 {
			return netip.Addr{}, false
		}
		a, err := netip.ParseAddr(l[3] + "." + l[2] + "." + l[1] + "." + l[0])
		return a, err == nil
	}
	if rest, ok := strings.CutSuffix(name, ".ip6.arpa."); ok {
		l := strings.Split(rest, ".")
		if len(l) != 32 {
			return netip.Addr{}, false
		}
		var b strings.Builder
		for i := 31; i >= 0; i-- {
			b.WriteString(l[i])
			if i%4 == 0 && i > 0 {
				b.WriteByte(':')
			}
		}
		a, err := netip.ParseAddr(b.String())
		return a, err == nil && a.Is6()
	}
	return netip.Addr{}, false
}

func findPort(ports []port, name, proto string) int {
	for i, p := range ports {
		if p.name == name && p.proto == proto {
			return i
		}
	}
	return -1
}

// addrRecords appends the A/AAAA records of recs that q asks for.
func addrRecords(q dns.Question, out []dns.RR, recs []record) []dns.RR {
	for _, r := range recs {
		out = appendAddr(q, out, r.addr)
	}
	return out
}

// ipRecords appends the A/AAAA records of ips that q asks for.
func ipRecords(q dns.Question, out []dns.RR, ips []netip.Addr) []dns.RR {
	for _, a := range ips {
		out = appendAddr(q, out, a)
	}
	return out
}

func appendAddr(q dns.Question, out []dns.RR, a netip.Addr) []dns.RR {
	switch {
	case a.Is4() && want(q.Qtype, dns.TypeA):
		return append(out, &dns.A{Hdr: hdr(q.Name, dns.TypeA), A: a.AsSlice()})
	case a.Is6() && want(q.Qtype, dns.TypeAAAA):
		return append(out, &dns.AAAA{Hdr: hdr(q.Name, dns.TypeAAAA), AAAA: a.AsSlice()})
	}
	return out
}

func srv(owner, target string, number, weight uint16) dns.RR {
	return &dns.SRV{Hdr: hdr(owner, dns.TypeSRV), Priority: 0, Weight: weight, Port: number, Target: target}
}

// soa is the zone's SOA record; its minimum is the negative-caching TTL.
func (ix *index) soa() dns.RR {
	return &dns.SOA{
		Hdr: hdr(ix.domain, dns.TypeSOA), Ns: "ns.dns." + ix.domain, Mbox: "hostmaster." + ix.domain,
		Serial: 1, Refresh: 7200, Retry: 1800, Expire: 86400, Minttl: ttl,
	}
}

func hdr(name string, rrtype uint16) dns.RR_Header {
	return dns.RR_Header{Name: name, Rrtype: rrtype, Class: dns.ClassINET, Ttl: ttl}
}

func want(qtype, rrtype uint16) bool { return qtype == rrtype || qtype == dns.TypeANY }

func found(rrs ...dns.RR) result { return result{ours: true, answer: rrs} }
func nodata() result             { return result{ours: true} }
func nxdomain() result           { return result{ours: true, rcode: dns.RcodeNameError} }
