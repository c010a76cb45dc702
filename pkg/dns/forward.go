package dns

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"time"

	"github.com/miekg/dns"
)

// forwardTimeout bounds one exchange with one upstream.
const forwardTimeout = 2 * time.Second

// forwarder sends questions outside the cluster domain to the host's resolvers, in order,
// over UDP and again over TCP when the UDP answer is truncated.
type forwarder struct {
	upstreams []string // host:port
	udp, tcp  *dns.Client
}

func newForwarder(upstreams []string) *forwarder {
	return &forwarder{
		upstreams: upstreams,
		udp:       &dns.Client{Net: "udp", Timeout: forwardTimeout},
		tcp:       &dns.Client{Net: "tcp", Timeout: forwardTimeout},
	}
}

// errNoUpstream is returned when no resolver is configured.
var errNoUpstream = errors.New("no upstream resolver")

// exchange asks the upstreams for req until one answers; it blocks up to forwardTimeout per
// upstream (twice when falling back to TCP). The answer carries req's ID.
func (f *forwarder) exchange(ctx context.Context, req *dns.Msg) (*dns.Msg, error) {
	err := errNoUpstream
	for _, up := range f.upstreams {
		var resp *dns.Msg
		resp, _, err = f.udp.ExchangeContext(ctx, req, up)
		if err == nil && resp.Truncated {
			resp, _, err = f.tcp.ExchangeContext(ctx, req, up)
		}
		if err == nil {
			resp.Id = req.Id
			return resp, nil
		}
		if ctx.Err() != nil {
			break
		}
	}
	return nil, fmt.Errorf("forward %s: %w", req.Question[0].Name, err)
}

// resolvers reads the nameservers of a resolv.conf as host:port, leaving out self (the
// address this server listens on, which would loop). A missing file gives none.
func resolvers(path string, self net.Addr) ([]string, error) {
	cfg, err := dns.ClientConfigFromFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	var out []string
	for _, s := range cfg.Servers {
		hp := net.JoinHostPort(s, cfg.Port)
		if self == nil || hp != self.String() {
			out = append(out, hp)
		}
	}
	return out, nil
}
