package storage_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer/protobuf"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes/scheme"

	"skiff/pkg/etcd/etcdtest"
	"skiff/pkg/storage"
)

func newStore(t *testing.T) *storage.Store {
	client := etcdtest.Start(t)
	ser := protobuf.NewSerializer(scheme.Scheme, scheme.Scheme)
	codec := scheme.Codecs.CodecForVersions(ser, ser, corev1.SchemeGroupVersion, nil)
	return storage.New(client, codec, func() runtime.Object { return &corev1.ConfigMap{} })
}

func cm(name, v string) *corev1.ConfigMap {
	return &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "ns"}, Data: map[string]string{"k": v}}
}

func key(name string) string { return "/registry/configmaps/ns/" + name }

func rv(o runtime.Object) string { return o.(*corev1.ConfigMap).ResourceVersion }

func TestCreateGetConflicts(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	created, err := s.Create(ctx, key("a"), cm("a", "1"))
	if err != nil {
		t.Fatal(err)
	}
	if rv(created) == "" {
		t.Fatal("create returned no resourceVersion")
	}
	if _, err := s.Create(ctx, key("a"), cm("a", "2")); !errors.Is(err, storage.ErrExists) {
		t.Fatalf("second create: got %v, want ErrExists", err)
	}
	got, err := s.Get(ctx, key("a"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(created, got); diff != "" {
		t.Fatalf("get differs (-created +got):\n%s", diff)
	}
	if _, err := s.Get(ctx, key("missing")); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("get missing: %v", err)
	}
}

func TestGuaranteedUpdate(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	created, _ := s.Create(ctx, key("a"), cm("a", "1"))
	stale := rv(created)
	upd := func(v string, want string) storage.UpdateFunc {
		return func(cur runtime.Object) (runtime.Object, error) {
			if want != "" && rv(cur) != want {
				return nil, storage.Conflictf("stale %s", want)
			}
			c := cur.DeepCopyObject().(*corev1.ConfigMap)
			c.Data["k"] = v
			return c, nil
		}
	}
	u1, err := s.GuaranteedUpdate(ctx, key("a"), upd("2", stale))
	if err != nil {
		t.Fatal(err)
	}
	if rv(u1) == stale {
		t.Fatal("update did not change resourceVersion")
	}
	if _, err := s.GuaranteedUpdate(ctx, key("a"), upd("3", stale)); !errors.Is(err, storage.ErrConflict) {
		t.Fatalf("stale update: got %v, want conflict", err)
	}
	same, err := s.GuaranteedUpdate(ctx, key("a"), upd("2", ""))
	if err != nil || rv(same) != rv(u1) {
		t.Fatalf("no-op update wrote: rv %s -> %s, err %v", rv(u1), rv(same), err)
	}
	if _, err := s.GuaranteedUpdate(ctx, key("nope"), upd("1", "")); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("update missing: %v", err)
	}
}

func TestConcurrentUpdatesAllLand(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	s.Create(ctx, key("c"), cm("c", "0"))
	const n = 20
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		go func() {
			_, err := s.GuaranteedUpdate(ctx, key("c"), func(cur runtime.Object) (runtime.Object, error) {
				c := cur.DeepCopyObject().(*corev1.ConfigMap)
				c.Data[fmt.Sprint("k", i)] = "x"
				return c, nil
			})
			errs <- err
		}()
	}
	for i := 0; i < n; i++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	got, _ := s.Get(ctx, key("c"))
	if l := len(got.(*corev1.ConfigMap).Data); l != n+1 {
		t.Fatalf("got %d keys, want %d: lost updates", l, n+1)
	}
}

func TestDelete(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	created, _ := s.Create(ctx, key("a"), cm("a", "1"))
	deny := func(runtime.Object) error { return storage.Conflictf("precondition failed") }
	if _, err := s.Delete(ctx, key("a"), deny); !errors.Is(err, storage.ErrConflict) {
		t.Fatalf("delete with failing precondition: %v", err)
	}
	del, err := s.Delete(ctx, key("a"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if rv(del) == rv(created) {
		t.Fatal("deleted object should carry the deletion revision")
	}
	if _, err := s.Delete(ctx, key("a"), nil); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
}

func TestListPagingAtOneRevision(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	for i := 0; i < 7; i++ {
		s.Create(ctx, key(fmt.Sprintf("cm%d", i)), cm(fmt.Sprintf("cm%d", i), fmt.Sprint(i)))
	}
	s.Create(ctx, "/registry/configmaps/other/x", cm("x", "1"))
	page, err := s.List(ctx, "/registry/configmaps/ns/", storage.ListOptions{Limit: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 3 || page.Continue == "" || page.Remaining == nil || *page.Remaining != 4 {
		t.Fatalf("first page: %d items, continue %q, remaining %v", len(page.Items), page.Continue, page.Remaining)
	}
	// A write between pages is not seen: all pages read at the first page's revision.
	s.Create(ctx, key("cm99"), cm("cm99", "late"))
	var names []string
	for _, it := range page.Items {
		names = append(names, it.(*corev1.ConfigMap).Name)
	}
	for page.Continue != "" {
		page, err = s.List(ctx, "/registry/configmaps/ns/", storage.ListOptions{Limit: 3, Continue: page.Continue})
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range page.Items {
			names = append(names, it.(*corev1.ConfigMap).Name)
		}
	}
	want := []string{"cm0", "cm1", "cm2", "cm3", "cm4", "cm5", "cm6"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Fatalf("paged names (-want +got):\n%s", diff)
	}
	filtered, err := s.List(ctx, "/registry/configmaps/ns/", storage.ListOptions{Limit: 2, Filter: func(o runtime.Object) bool {
		return o.(*corev1.ConfigMap).Data["k"] >= "5"
	}})
	if err != nil || len(filtered.Items) != 2 {
		t.Fatalf("filtered list: %v items, err %v", len(filtered.Items), err)
	}
	if _, err := s.List(ctx, "/registry/configmaps/ns/", storage.ListOptions{Continue: "!!"}); !errors.Is(err, storage.ErrInvalidContinue) {
		t.Fatalf("bad continue: %v", err)
	}
}

func TestWatchAndCompaction(t *testing.T) {
	s := newStore(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	created, _ := s.Create(ctx, key("w"), cm("w", "1"))
	start, _ := s.CurrentRevision(ctx)
	_ = created
	events := s.Watch(ctx, "/registry/configmaps/", start)
	s.Create(ctx, key("w2"), cm("w2", "1"))
	s.GuaranteedUpdate(ctx, key("w"), func(cur runtime.Object) (runtime.Object, error) {
		c := cur.DeepCopyObject().(*corev1.ConfigMap)
		c.Data["k"] = "2"
		return c, nil
	})
	s.Delete(ctx, key("w2"), nil)
	var got []string
	for len(got) < 3 {
		e := <-events
		if e.Type == watch.Bookmark {
			continue
		}
		if e.Type == watch.Error {
			t.Fatal(e.Err)
		}
		got = append(got, fmt.Sprintf("%s %s %s", e.Type, e.Object.(*corev1.ConfigMap).Name, e.Object.(*corev1.ConfigMap).Data["k"]))
	}
	want := []string{"ADDED w2 1", "MODIFIED w 2", "DELETED w2 1"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("events (-want +got):\n%s", diff)
	}
	// Compact past start: a watch from start must fail with ErrExpired, and so must a list at it.
	cur, _ := s.CurrentRevision(ctx)
	if _, err := s.Client().Compact(ctx, cur); err != nil {
		t.Fatal(err)
	}
	e := <-s.Watch(ctx, "/registry/configmaps/", start)
	if e.Type != watch.Error || !errors.Is(e.Err, storage.ErrExpired) {
		t.Fatalf("watch after compaction: %v %v", e.Type, e.Err)
	}
	if _, err := s.List(ctx, "/registry/configmaps/", storage.ListOptions{Revision: start}); !errors.Is(err, storage.ErrExpired) {
		t.Fatalf("list after compaction: %v", err)
	}
}
