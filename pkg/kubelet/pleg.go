package kubelet

import (
	"context"

	"k8s.io/apimachinery/pkg/types"
)

// relist lists every sandbox and container in CRI and enqueues the pods whose CRI state
// changed since the last relist, like upstream's generic PLEG. Pods that CRI holds but the
// API does not (force-deleted, or orphans from before a restart) are enqueued too: their sync
// removes them.
func (k *Kubelet) relist(ctx context.Context) {
	pods, err := k.observe.all(ctx)
	if err != nil {
		if ctx.Err() == nil {
			k.log.Warn("relist failed", "err", err)
		}
		return
	}
	k.mu.Lock()
	prev := k.lastRelist
	next := make(map[types.UID]string, len(pods))
	for uid, r := range pods {
		next[uid] = r.fingerprint()
	}
	k.lastRelist = next
	k.mu.Unlock()
	for uid, fp := range next {
		if prev[uid] != fp {
			k.workers.enqueue(uid)
		}
	}
	for uid := range prev {
		if _, ok := next[uid]; !ok {
			k.workers.enqueue(uid)
		}
	}
}

// housekeeping enqueues pods that left volume or cgroup directories but are neither in the
// API nor in CRI, so their sync tears the directories down.
func (k *Kubelet) housekeeping(context.Context) {
	var uids []types.UID
	if v, err := k.volumes.PodUIDs(); err == nil {
		uids = append(uids, v...)
	}
	if c, err := k.cgroups.PodUIDs(); err == nil {
		uids = append(uids, c...)
	}
	k.mu.Lock()
	known := k.lastRelist
	k.mu.Unlock()
	for _, uid := range uids {
		if _, ok := known[uid]; !ok && k.podByUID(uid) == nil {
			k.workers.enqueue(uid)
		}
	}
}
