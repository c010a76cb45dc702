package dns

import (
	"context"
	"log/slog"
	"slices"
	"strings"

	"github.com/miekg/dns"
)

// maxChase bounds how many ExternalName CNAMEs inside the cluster domain are followed.
const maxChase = 8

// handler answers queries from the index and forwards the rest.
type handler struct {
	ix  *index
	fwd *forwarder
	log *slog.Logger
}

var _ dns.Handler = (*handler)(nil)

// ServeDNS answers one query; it blocks while a forwarded question is pending.
func (h *handler) ServeDNS(w dns.ResponseWriter, req *dns.Msg) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*forwardTimeout)
	defer cancel()
	resp := h.respond(ctx, req)
	size := dns.MaxMsgSize
	if w.RemoteAddr() != nil && w.RemoteAddr().Network() == "udp" {
		size = dns.MinMsgSize
		if opt := req.IsEdns0(); opt != nil {
			size = int(max(opt.UDPSize(), dns.MinMsgSize))
		}
	}
	resp.Truncate(size)
	if err := w.WriteMsg(resp); err != nil {
		h.log.Debug("write answer", "err", err)
	}
}

// respond computes the answer to req: from the index for cluster names, else forwarded.
func (h *handler) respond(ctx context.Context, req *dns.Msg) *dns.Msg {
	resp := new(dns.Msg)
	if req.Opcode != dns.OpcodeQuery {
		return resp.SetRcode(req, dns.RcodeNotImplemented)
	}
	if len(req.Question) != 1 {
		return resp.SetRcode(req, dns.RcodeFormatError)
	}
	r := h.ix.lookup(req.Question[0])
	if !r.ours {
		return h.forward(ctx, req)
	}
	resp.SetReply(req)
	resp.Authoritative, resp.RecursionAvailable, resp.Compress = true, true, true
	resp.Rcode = r.rcode
	resp.Answer, resp.Extra = r.answer, r.extra
	if r.cname != "" {
		resp.Answer = append(resp.Answer, h.chase(ctx, req, r.cname)...)
	}
	if len(resp.Answer) == 0 {
		resp.Ns = []dns.RR{h.ix.soa()}
	}
	if opt := req.IsEdns0(); opt != nil {
		resp.SetEdns0(max(opt.UDPSize(), dns.MinMsgSize), false)
	}
	return resp
}

// chase resolves an ExternalName's target for the question's type: from the index when it is
// in the cluster domain, else upstream. It returns what it found (nothing on failure: the
// client still has the CNAME).
func (h *handler) chase(ctx context.Context, req *dns.Msg, target string) []dns.RR {
	q := req.Question[0]
	var out []dns.RR
	for range maxChase {
		r := h.ix.lookup(dns.Question{Name: target, Qtype: q.Qtype, Qclass: q.Qclass})
		if !r.ours {
			m := new(dns.Msg)
			m.SetQuestion(target, q.Qtype)
			resp, err := h.fwd.exchange(ctx, m)
			if err != nil {
				h.log.Debug("resolve ExternalName target", "target", target, "err", err)
				return out
			}
			return append(out, resp.Answer...)
		}
		out = append(out, r.answer...)
		if r.cname == "" {
			return out
		}
		target = r.cname
	}
	return out
}

// forward relays req upstream; SERVFAIL when no upstream answers. A query without EDNS is
// sent with a 1,232-byte buffer (fewer TCP retries upstream), the OPT record being removed
// from the answer.
func (h *handler) forward(ctx context.Context, req *dns.Msg) *dns.Msg {
	up := req
	if req.IsEdns0() == nil {
		up = req.Copy()
		up.SetEdns0(1232, false)
	}
	resp, err := h.fwd.exchange(ctx, up)
	if err != nil {
		h.log.Debug("forward", "name", strings.ToLower(req.Question[0].Name), "err", err)
		return new(dns.Msg).SetRcode(req, dns.RcodeServerFailure)
	}
	if up != req {
		resp.Extra = slices.DeleteFunc(resp.Extra, func(rr dns.RR) bool { return rr.Header().Rrtype == dns.TypeOPT })
	}
	resp.Compress = true
	return resp
}
