package storage

import (
	"context"
	"sync"

	clientv3 "go.etcd.io/etcd/client/v3"
	"k8s.io/apimachinery/pkg/watch"
)

// Sizes of a hub's history and of each subscriber's queue. A subscriber that falls a whole queue
// behind leaves the hub and continues on its own etcd watch, so neither size limits correctness.
const (
	hubHistory = 1024
	hubQueue   = 1024
)

// hub shares one etcd watch on a key prefix among every Watch of that prefix: each etcd event is
// decoded once and handed, read-only, to all subscribers. It keeps the last hubHistory events so
// a watch starting from a recent revision joins without a new etcd watch. It runs while it has
// subscribers.
type hub struct {
	s      *Store
	prefix string
	stop   context.CancelFunc

	mu     sync.Mutex
	subs   map[*subscriber]struct{}
	recent []Event // oldest first, hubHistory to 2*hubHistory of them; no bookmarks
	since  int64   // every event after this revision is in recent or yet to come
	closed bool
}

// subscriber is one Watch served by a hub.
type subscriber struct {
	ch     chan Event
	lagged bool // set by the hub before it closes ch because ch was full
}

// subscribe joins the hub of prefix (starting it if needed) when it can deliver every event after
// from; it returns the buffered events to replay first. ok is false when from is older than the
// hub's history.
func (s *Store) subscribe(prefix string, from int64) (h *hub, sub *subscriber, replay []Event, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h = s.hubs[prefix]
	if h == nil {
		ctx, cancel := context.WithCancel(context.Background())
		h = &hub{s: s, prefix: prefix, stop: cancel, subs: map[*subscriber]struct{}{}, since: from}
		s.hubs[prefix] = h
		go h.run(ctx)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if from < h.since {
		return nil, nil, nil, false
	}
	for i, e := range h.recent {
		if e.Revision > from {
			replay = append([]Event(nil), h.recent[i:]...)
			break
		}
	}
	sub = &subscriber{ch: make(chan Event, s.queue)}
	h.subs[sub] = struct{}{}
	return h, sub, replay, true
}

// unsubscribe removes sub and stops the hub when nobody is left.
func (h *hub) unsubscribe(sub *subscriber) {
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.subs, sub)
	if len(h.subs) == 0 && !h.closed {
		h.closed = true
		h.stop()
		if h.s.hubs[h.prefix] == h {
			delete(h.s.hubs, h.prefix)
		}
	}
}

// run follows etcd from since and publishes every event until ctx ends or the watch fails.
func (h *hub) run(ctx context.Context) {
	defer h.stop()
	h.mu.Lock()
	from := h.since
	h.mu.Unlock()
	wc := h.s.client.Watch(clientv3.WithRequireLeader(ctx), h.prefix, clientv3.WithPrefix(),
		clientv3.WithRev(from+1), clientv3.WithPrevKV(), clientv3.WithProgressNotify())
	for resp := range wc {
		if err := resp.Err(); err != nil {
			h.fail(Event{Type: watch.Error, Err: expiredErr(err, from, resp.CompactRevision)})
			return
		}
		if resp.IsProgressNotify() {
			h.publish(Event{Type: watch.Bookmark, Revision: resp.Header.Revision})
			continue
		}
		for _, ev := range resp.Events {
			e := h.s.convert(ev)
			if e.Type == watch.Error {
				h.fail(e)
				return
			}
			h.publish(e)
		}
	}
	h.fail(Event{})
}

// publish records e and queues it for every subscriber; a subscriber whose queue is full is
// dropped (marked lagged) so it cannot hold the others up.
func (h *hub) publish(e Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if e.Type != watch.Bookmark {
		if len(h.recent) == 2*hubHistory {
			h.since = h.recent[hubHistory-1].Revision
			h.recent = append(h.recent[:0], h.recent[hubHistory:]...)
		}
		h.recent = append(h.recent, e)
	}
	for sub := range h.subs {
		select {
		case sub.ch <- e:
		default:
			sub.lagged = true
			close(sub.ch)
			delete(h.subs, sub)
		}
	}
}

// fail ends the hub: each subscriber gets e (unless e is the zero Event) and its queue closes.
// A subscriber whose queue cannot take e is marked lagged and goes on alone.
func (h *hub) fail(e Event) {
	h.s.mu.Lock()
	if h.s.hubs[h.prefix] == h {
		delete(h.s.hubs, h.prefix)
	}
	h.s.mu.Unlock()
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for sub := range h.subs {
		if e.Type != "" {
			select {
			case sub.ch <- e:
			default:
				sub.lagged = true
			}
		}
		close(sub.ch)
	}
	h.subs = map[*subscriber]struct{}{}
}
