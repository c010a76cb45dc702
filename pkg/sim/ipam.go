package sim

import (
	"fmt"
	"net/netip"
	"sync"

	"k8s.io/apimachinery/pkg/types"
)

// ipam hands out pod IPs from each node's /24, one per pod UID. It is safe for concurrent use.
type ipam struct {
	mu    sync.Mutex
	used  map[netip.Addr]types.UID
	byUID map[types.UID]netip.Addr
}

func newIPAM() *ipam {
	return &ipam{used: map[netip.Addr]types.UID{}, byUID: map[types.UID]netip.Addr{}}
}

// allocate returns uid's address in cidr, choosing the lowest free host address (.2 and up;
// .1 is the gateway) the first time.
func (a *ipam) allocate(cidr netip.Prefix, uid types.UID) (netip.Addr, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if ip, ok := a.byUID[uid]; ok && cidr.Contains(ip) {
		return ip, nil
	}
	for ip := cidr.Addr().Next().Next(); cidr.Contains(ip) && ip.As4()[3] != 255; ip = ip.Next() {
		if _, taken := a.used[ip]; !taken {
			a.set(ip, uid)
			return ip, nil
		}
	}
	return netip.Addr{}, fmt.Errorf("no free pod IP in %s", cidr)
}

// observe records that uid already holds s (as read from a pod's status); an address held by
// another UID or unparsable is ignored.
func (a *ipam) observe(s string, uid types.UID) {
	ip, err := netip.ParseAddr(s)
	if err != nil {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if owner, taken := a.used[ip]; !taken || owner == uid {
		a.set(ip, uid)
	}
}

func (a *ipam) set(ip netip.Addr, uid types.UID) {
	if old, ok := a.byUID[uid]; ok {
		delete(a.used, old)
	}
	a.used[ip], a.byUID[uid] = uid, ip
}

// release frees uid's address, if any.
func (a *ipam) release(uid types.UID) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if ip, ok := a.byUID[uid]; ok {
		delete(a.used, ip)
		delete(a.byUID, uid)
	}
}
