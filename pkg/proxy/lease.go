package proxy

import (
	"context"
	"strconv"
	"strings"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// The proxy lease: one per node, LeasePrefix+node in LeaseNamespace, renewed every
// leaseRenew and valid for leaseDuration; AppliedAnnotation holds the highest EndpointSlice
// resourceVersion whose rules the node's proxy has applied.
const (
	LeaseNamespace    = "kube-node-lease"
	LeasePrefix       = "skiff-proxy-"
	AppliedAnnotation = "skiff.io/proxy-applied-resource-version"
	leaseRenew        = 10 * time.Second
	leaseDuration     = 40
	publishInterval   = 200 * time.Millisecond // at most 5 writes a second
)

// publish writes the lease when the applied resourceVersion changed (at most every
// publishInterval) or renewal is due, until ctx ends. It writes nothing before the first
// successful sync, and does not renew while syncs fail: a proxy that cannot program its
// rules must not hold terminations (its lease expires).
func (p *Proxy) publish(ctx context.Context) {
	var published uint64
	var renewed time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case <-p.applied:
		case <-p.cfg.Clock.After(leaseRenew):
		}
		if !p.healthy.Load() {
			continue
		}
		rv := p.appliedRV.Load()
		if renewed.IsZero() || rv != published || p.cfg.Clock.Since(renewed) >= leaseRenew {
			if err := p.writeLease(ctx, rv); err != nil {
				if ctx.Err() != nil {
					return
				}
				p.log.Warn("proxy lease", "err", err)
			} else {
				published, renewed = rv, p.cfg.Clock.Now()
			}
		}
		if !sleep(ctx, p.cfg.Clock, publishInterval) {
			return
		}
	}
}

func (p *Proxy) writeLease(ctx context.Context, rv uint64) error {
	leases := p.cfg.Client.CoordinationV1().Leases(LeaseNamespace)
	name := LeasePrefix + p.cfg.NodeName
	now := metav1.NewMicroTime(p.cfg.Clock.Now())
	l, err := leases.Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		l = &coordinationv1.Lease{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: LeaseNamespace}}
		fillLease(l, p.cfg.NodeName, rv, now)
		_, err = leases.Create(ctx, l, metav1.CreateOptions{})
		return err
	}
	if err != nil {
		return err
	}
	fillLease(l, p.cfg.NodeName, rv, now)
	_, err = leases.Update(ctx, l, metav1.UpdateOptions{})
	return err
}

func fillLease(l *coordinationv1.Lease, node string, rv uint64, now metav1.MicroTime) {
	if l.Annotations == nil {
		l.Annotations = map[string]string{}
	}
	l.Annotations[AppliedAnnotation] = strconv.FormatUint(rv, 10)
	l.Spec.HolderIdentity = &node
	d := int32(leaseDuration)
	l.Spec.LeaseDurationSeconds = &d
	l.Spec.RenewTime = &now
}

// proxyLease is what the gate reads from a proxy lease.
type proxyLease struct {
	node    string
	applied uint64
	expires time.Time
}

func parseProxyLease(l *coordinationv1.Lease) (proxyLease, bool) {
	if !strings.HasPrefix(l.Name, LeasePrefix) || l.Spec.RenewTime == nil {
		return proxyLease{}, false
	}
	rv, err := strconv.ParseUint(l.Annotations[AppliedAnnotation], 10, 64)
	if err != nil {
		return proxyLease{}, false
	}
	d := int32(leaseDuration)
	if l.Spec.LeaseDurationSeconds != nil {
		d = *l.Spec.LeaseDurationSeconds
	}
	return proxyLease{
		node:    strings.TrimPrefix(l.Name, LeasePrefix),
		applied: rv,
		expires: l.Spec.RenewTime.Add(time.Duration(d) * time.Second),
	}, true
}
