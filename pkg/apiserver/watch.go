package apiserver

import (
	"bytes"
	"context"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer/streaming"
	"k8s.io/apimachinery/pkg/watch"

	"skiff/pkg/storage"
)

// watchStream writes watch events to one client.
type watchStream struct {
	c       *call
	enc     streaming.Encoder
	flusher http.Flusher
	buf     bytes.Buffer
}

func (c *call) watch() error {
	q := c.r.URL.Query()
	sel, err := parseSelectors(c.res, q)
	if err != nil {
		return err
	}
	if c.ri.name != "" {
		sel.fields = andName(sel.fields, c.ri.name)
	}
	timeout := time.Duration(1800+rand.IntN(1800)) * time.Second
	if t := q.Get("timeoutSeconds"); t != "" {
		n, err := strconv.Atoi(t)
		if err != nil || n < 0 {
			return badRequest("invalid timeoutSeconds %q", t)
		}
		timeout = time.Duration(n) * time.Second
	}
	rv, err := parseRV(q.Get("resourceVersion"))
	if err != nil {
		return err
	}
	initial := q.Get("sendInitialEvents") == "true" || rv == 0
	if q.Get("sendInitialEvents") == "false" && rv == 0 {
		initial = false
		if rv, err = c.res.store.CurrentRevision(c.r.Context()); err != nil {
			return storageError(err, c.res.gr, "")
		}
	}
	ctx, cancel := context.WithTimeout(c.r.Context(), timeout)
	defer cancel()
	var initialItems []runtime.Object
	if initial {
		res, err := c.res.store.List(ctx, c.res.key(c.ri.namespace, ""), storage.ListOptions{Filter: sel.filter()})
		if err != nil {
			return storageError(err, c.res.gr, "")
		}
		initialItems, rv = res.Items, res.Revision
	}
	ws, err := c.newWatchStream()
	if err != nil {
		return err
	}
	for _, it := range initialItems {
		if !ws.send(watch.Added, it) {
			return nil
		}
	}
	if q.Get("sendInitialEvents") == "true" {
		ws.bookmark(rv, true)
	}
	ws.flush()
	ws.run(ctx, sel, rv, q.Get("allowWatchBookmarks") == "true")
	return nil
}

func parseRV(s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, badRequest("invalid resourceVersion %q: must be a non-negative integer", s)
	}
	return n, nil
}

func (c *call) newWatchStream() (*watchStream, error) {
	info := c.out.info
	if info.StreamSerializer == nil {
		return nil, apierrors.NewBadRequest("no streaming serializer for " + info.MediaType)
	}
	fl, _ := c.w.(http.Flusher)
	c.w.Header().Set("Content-Type", info.MediaType)
	c.w.Header().Set("Transfer-Encoding", "chunked")
	c.w.WriteHeader(http.StatusOK)
	enc := streaming.NewEncoder(info.StreamSerializer.Framer.NewFrameWriter(c.w), info.StreamSerializer.Serializer)
	return &watchStream{c: c, enc: enc, flusher: fl}, nil
}

func (ws *watchStream) run(ctx context.Context, sel selectors, rv int64, bookmarks bool) {
	events := ws.c.res.store.Watch(ctx, ws.c.res.key(ws.c.ri.namespace, ""), rv)
	tick := time.NewTicker(time.Minute)
	defer tick.Stop()
	last := rv
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if bookmarks && !ws.bookmark(last, false) {
				return
			}
		case e, ok := <-events:
			if !ok {
				return
			}
			if e.Revision > last {
				last = e.Revision
			}
			if !ws.handle(e, sel, bookmarks) {
				return
			}
		}
		if len(events) == 0 {
			ws.flush()
		}
	}
}

// handle sends one storage event, translated through the selectors as upstream: an object that
// starts matching is ADDED, one that stops matching is DELETED.
func (ws *watchStream) handle(e storage.Event, sel selectors, bookmarks bool) bool {
	switch e.Type {
	case watch.Error:
		st := storageError(e.Err, ws.c.res.gr, "").(apierrors.APIStatus).Status()
		ws.sendRaw(watch.Error, &st)
		return false
	case watch.Bookmark:
		return !bookmarks || ws.bookmark(e.Revision, false)
	}
	cur := sel.matches(e.Object)
	prev := e.Prev != nil && sel.matches(e.Prev)
	switch {
	case e.Type == watch.Added && cur, e.Type == watch.Deleted && prev:
		return ws.send(e.Type, e.Object)
	case e.Type == watch.Modified && cur && prev:
		return ws.send(watch.Modified, e.Object)
	case e.Type == watch.Modified && cur:
		return ws.send(watch.Added, e.Object)
	case e.Type == watch.Modified && prev:
		return ws.send(watch.Deleted, e.Object)
	}
	return true
}

func (ws *watchStream) send(t watch.EventType, stored runtime.Object) bool {
	obj, err := ws.c.res.toServed(stored)
	if err == nil {
		obj, err = ws.c.transform(obj)
	}
	if err != nil {
		st := apierrors.NewInternalError(err).Status()
		ws.sendRaw(watch.Error, &st)
		return false
	}
	return ws.sendRaw(t, obj)
}

func (ws *watchStream) bookmark(rv int64, initialEnd bool) bool {
	obj := ws.c.res.newObj()
	acc, _ := meta.Accessor(obj)
	acc.SetResourceVersion(strconv.FormatInt(rv, 10))
	if initialEnd {
		acc.SetAnnotations(map[string]string{metav1.InitialEventsAnnotationKey: "true"})
	}
	obj.GetObjectKind().SetGroupVersionKind(ws.c.res.gvk)
	ok := ws.sendRaw(watch.Bookmark, obj)
	ws.flush()
	return ok
}

func (ws *watchStream) sendRaw(t watch.EventType, obj runtime.Object) bool {
	if st, ok := obj.(*metav1.Status); ok {
		st.TypeMeta = metav1.TypeMeta{Kind: "Status", APIVersion: "v1"}
	}
	ws.buf.Reset()
	if err := ws.c.out.info.Serializer.Encode(obj, &ws.buf); err != nil {
		ws.c.s.log.Error("encode watch event", "err", err)
		return false
	}
	ev := &metav1.WatchEvent{Type: string(t), Object: runtime.RawExtension{Raw: ws.buf.Bytes()}}
	return ws.enc.Encode(ev) == nil
}

func (ws *watchStream) flush() {
	if ws.flusher != nil {
		ws.flusher.Flush()
	}
}
