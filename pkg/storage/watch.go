package storage

import (
	"context"
	"fmt"

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
func (s *Store) Watch(ctx context.Context, prefix string, fromRev int64) <-chan Event {
	out := make(chan Event, 100)
	go func() {
		defer close(out)
		ctx, cancel := context.WithCancel(clientv3.WithRequireLeader(ctx))
		defer cancel()
		wc := s.client.Watch(ctx, prefix, clientv3.WithPrefix(), clientv3.WithRev(fromRev+1),
			clientv3.WithPrevKV(), clientv3.WithProgressNotify())
		for resp := range wc {
			if err := resp.Err(); err != nil {
				if resp.CompactRevision != 0 {
					err = fmt.Errorf("%w: revision %d compacted (oldest is %d)", ErrExpired, fromRev, resp.CompactRevision)
				}
				send(ctx, out, Event{Type: watch.Error, Err: err})
				return
			}
			if resp.IsProgressNotify() {
				if !send(ctx, out, Event{Type: watch.Bookmark, Revision: resp.Header.Revision}) {
					return
				}
				continue
			}
			for _, ev := range resp.Events {
				e := s.convert(ev)
				if !send(ctx, out, e) || e.Type == watch.Error {
					return
				}
			}
		}
	}()
	return out
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
