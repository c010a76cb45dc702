package storage

import (
	"context"
	"errors"
	"fmt"

	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
)

// Event is one change seen by Watch. Type is watch.Added, Modified, Deleted, Bookmark (etcd
// progress: Revision only) or Error (Err set; the channel closes after it).
type Event struct {
	Type     watch.EventType
	Object   runtime.Object // new state; for Deleted the last state, with the deletion's revision
	Prev     runtime.Object // previous state for Modified and Deleted
	Revision int64
	Err      error
}

// Watch streams changes under prefix that happen after revision fromRev. The channel closes when
// ctx ends or after an Error event (ErrExpired once fromRev is compacted).
//
// Watches of the same prefix share one etcd watch and one decode of each event (see hub): the
// Object and Prev of an event may be shared with other watchers and must be treated as read-only.
func (s *Store) Watch(ctx context.Context, prefix string, fromRev int64) <-chan Event {
	out := make(chan Event, 100)
	go func() {
		defer close(out)
		if err := s.checkCompacted(ctx, fromRev); err != nil {
			send(ctx, out, Event{Type: watch.Error, Err: err})
			return
		}
		h, sub, replay, ok := s.subscribe(prefix, fromRev)
		if !ok {
			s.watchDirect(ctx, prefix, position{rev: fromRev, whole: true}, out)
			return
		}
		defer h.unsubscribe(sub)
		s.follow(ctx, prefix, sub, replay, fromRev, out)
	}()
	return out
}

// checkCompacted returns ErrExpired when rev has been compacted away, as an etcd watch from it
// would, even though a hub may still hold the events after it.
func (s *Store) checkCompacted(ctx context.Context, rev int64) error {
	if rev <= 0 {
		return nil
	}
	_, err := s.client.Get(ctx, "/registry/health-revision-probe", clientv3.WithRev(rev), clientv3.WithCountOnly())
	if errors.Is(err, rpctypes.ErrCompacted) {
		return fmt.Errorf("%w: revision %d compacted", ErrExpired, rev)
	}
	return nil
}

// position is how far a watcher got: the revision of its last event and how many events of that
// revision it has had (one etcd transaction may change several keys). A watch from revision R
// starts at {rev: R, whole: true}: nothing more of R is due.
type position struct {
	rev   int64
	seen  int  // events of rev delivered
	whole bool // every event of rev was delivered
	skip  int  // events of rev to drop because a resumed etcd watch repeats them
}

// forward sends e unless the watcher has already had it; false means stop.
func (p *position) forward(ctx context.Context, out chan<- Event, e Event) bool {
	switch {
	case e.Type == watch.Bookmark:
		if e.Revision < p.rev {
			return true
		}
	case e.Revision < p.rev || (e.Revision == p.rev && p.whole):
		return true
	case e.Revision == p.rev && p.skip > 0:
		p.skip--
		return true
	case e.Revision == p.rev:
		p.seen++
	default:
		*p = position{rev: e.Revision, seen: 1}
	}
	return send(ctx, out, e) && e.Type != watch.Error
}

// resume returns the revision an etcd watch continuing after p starts at, and arms the skip of
// the events of a partly delivered revision.
func (p *position) resume() int64 {
	if p.whole || p.seen == 0 {
		p.whole = true
		return p.rev + 1
	}
	p.skip = p.seen
	return p.rev
}

// follow relays a hub subscription; if the hub drops it for lagging, it resumes on its own etcd
// watch where it stopped.
func (s *Store) follow(ctx context.Context, prefix string, sub *subscriber, replay []Event, from int64, out chan<- Event) {
	pos := position{rev: from, whole: true}
	for _, e := range replay {
		if !pos.forward(ctx, out, e) {
			return
		}
	}
	for {
		select {
		case <-ctx.Done():
			return
		case e, ok := <-sub.ch:
			if !ok {
				if sub.lagged {
					s.watchDirect(ctx, prefix, pos, out)
				}
				return
			}
			if !pos.forward(ctx, out, e) {
				return
			}
		}
	}
}

// watchDirect streams prefix from its own etcd watch, after pos.
func (s *Store) watchDirect(ctx context.Context, prefix string, pos position, out chan<- Event) {
	ctx, cancel := context.WithCancel(clientv3.WithRequireLeader(ctx))
	defer cancel()
	from := pos.resume()
	wc := s.client.Watch(ctx, prefix, clientv3.WithPrefix(), clientv3.WithRev(from),
		clientv3.WithPrevKV(), clientv3.WithProgressNotify())
	for resp := range wc {
		if err := resp.Err(); err != nil {
			send(ctx, out, Event{Type: watch.Error, Err: expiredErr(err, from-1, resp.CompactRevision)})
			return
		}
		if resp.IsProgressNotify() {
			if !pos.forward(ctx, out, Event{Type: watch.Bookmark, Revision: resp.Header.Revision}) {
				return
			}
			continue
		}
		for _, ev := range resp.Events {
			if !pos.forward(ctx, out, s.convert(ev)) {
				return
			}
		}
	}
}

// expiredErr maps a watch error caused by compaction to ErrExpired.
func expiredErr(err error, from, compacted int64) error {
	if compacted != 0 {
		return fmt.Errorf("%w: revision %d compacted (oldest is %d)", ErrExpired, from, compacted)
	}
	return err
}

func send(ctx context.Context, out chan<- Event, e Event) bool {
	select {
	case out <- e:
		return true
	case <-ctx.Done():
		return false
	}
}

func (s *Store) convert(ev *clientv3.Event) Event {
	e := Event{Revision: ev.Kv.ModRevision}
	var err error
	if ev.PrevKv != nil {
		if e.Prev, err = s.decode(ev.PrevKv.Value, ev.PrevKv.ModRevision); err != nil {
			return Event{Type: watch.Error, Err: err}
		}
	}
	switch {
	case ev.Type == clientv3.EventTypeDelete:
		e.Type = watch.Deleted
		if e.Prev == nil {
			return Event{Type: watch.Error, Err: fmt.Errorf("delete of %s without previous value", ev.Kv.Key)}
		}
		e.Object = e.Prev.DeepCopyObject()
		err = setRV(e.Object, ev.Kv.ModRevision)
	case ev.IsCreate():
		e.Type = watch.Added
		e.Object, err = s.decode(ev.Kv.Value, ev.Kv.ModRevision)
	default:
		e.Type = watch.Modified
		e.Object, err = s.decode(ev.Kv.Value, ev.Kv.ModRevision)
	}
	if err != nil {
		return Event{Type: watch.Error, Err: err}
	}
	return e
}
