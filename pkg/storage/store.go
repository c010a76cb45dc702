package storage

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"sync"

	clientv3 "go.etcd.io/etcd/client/v3"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
)

// Store reads and writes objects of one kind under etcd keys. It is safe for concurrent use.
type Store struct {
	client *clientv3.Client
	codec  runtime.Codec
	newObj func() runtime.Object
	queue  int // capacity of a hub subscriber's queue

	mu   sync.Mutex
	hubs map[string]*hub // by watched prefix
}

// New returns a Store that encodes with codec and decodes into objects made by newObj.
func New(client *clientv3.Client, codec runtime.Codec, newObj func() runtime.Object) *Store {
	return &Store{client: client, codec: codec, newObj: newObj, queue: hubQueue, hubs: map[string]*hub{}}
}

// Client returns the etcd client.
func (s *Store) Client() *clientv3.Client { return s.client }

// encode serializes obj without its resourceVersion (never stored). It clears the field for the
// duration of the call instead of copying the object, so obj must not be in concurrent use.
func (s *Store) encode(obj runtime.Object) ([]byte, error) {
	acc, err := meta.Accessor(obj)
	if err != nil {
		return nil, err
	}
	if rv := acc.GetResourceVersion(); rv != "" {
		acc.SetResourceVersion("")
		defer acc.SetResourceVersion(rv)
	}
	var buf bytes.Buffer
	if err := s.codec.Encode(obj, &buf); err != nil {
		return nil, fmt.Errorf("encode: %w", err)
	}
	return buf.Bytes(), nil
}

func (s *Store) decode(data []byte, rev int64) (runtime.Object, error) {
	obj, _, err := s.codec.Decode(data, nil, s.newObj())
	if err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	return obj, setRV(obj, rev)
}

func setRV(obj runtime.Object, rev int64) error {
	acc, err := meta.Accessor(obj)
	if err != nil {
		return err
	}
	if rev == 0 {
		acc.SetResourceVersion("")
	} else {
		acc.SetResourceVersion(strconv.FormatInt(rev, 10))
	}
	return nil
}

// Create stores obj at key if the key is absent, and returns the stored object (a new object;
// obj is left as it was). obj must not be in concurrent use during the call.
func (s *Store) Create(ctx context.Context, key string, obj runtime.Object) (runtime.Object, error) {
	data, err := s.encode(obj)
	if err != nil {
		return nil, err
	}
	resp, err := s.client.Txn(ctx).
		If(clientv3.Compare(clientv3.CreateRevision(key), "=", 0)).
		Then(clientv3.OpPut(key, string(data))).Commit()
	if err != nil {
		return nil, err
	}
	if !resp.Succeeded {
		return nil, fmt.Errorf("%s: %w", key, ErrExists)
	}
	return s.decode(data, resp.Header.Revision)
}

// Get returns the object at key, or ErrNotFound.
func (s *Store) Get(ctx context.Context, key string) (runtime.Object, error) {
	resp, err := s.client.Get(ctx, key)
	if err != nil {
		return nil, err
	}
	if len(resp.Kvs) == 0 {
		return nil, fmt.Errorf("%s: %w", key, ErrNotFound)
	}
	return s.decode(resp.Kvs[0].Value, resp.Kvs[0].ModRevision)
}

// UpdateFunc computes the new object from the current one. It must not modify current. Returning
// the current object unchanged (same encoding) makes the update a no-op.
type UpdateFunc func(current runtime.Object) (runtime.Object, error)

// GuaranteedUpdate reads key, applies update and writes the result if the key did not change in
// between, retrying update on races. It returns ErrNotFound if the key is absent, or the error of
// update. When update's result encodes exactly as the current object nothing is written.
func (s *Store) GuaranteedUpdate(ctx context.Context, key string, update UpdateFunc) (runtime.Object, error) {
	getResp, err := s.client.Get(ctx, key)
	for {
		if err != nil {
			return nil, err
		}
		if len(getResp.Kvs) == 0 {
			return nil, fmt.Errorf("%s: %w", key, ErrNotFound)
		}
		kv := getResp.Kvs[0]
		cur, err := s.decode(kv.Value, kv.ModRevision)
		if err != nil {
			return nil, err
		}
		next, err := update(cur)
		if err != nil {
			return nil, err
		}
		data, err := s.encode(next)
		if err != nil {
			return nil, err
		}
		if bytes.Equal(data, kv.Value) {
			return cur, nil
		}
		resp, err := s.client.Txn(ctx).
			If(clientv3.Compare(clientv3.ModRevision(key), "=", kv.ModRevision)).
			Then(clientv3.OpPut(key, string(data))).
			Else(clientv3.OpGet(key)).Commit()
		if err != nil {
			return nil, err
		}
		if resp.Succeeded {
			return s.decode(data, resp.Header.Revision)
		}
		getResp = (*clientv3.GetResponse)(resp.Responses[0].GetResponseRange())
	}
}

// Precondition checks the current object before a delete; an error aborts the delete.
type Precondition func(current runtime.Object) error

// Delete removes key if check (may be nil) accepts the current object, and returns the deleted
// object with the resourceVersion of the deletion.
func (s *Store) Delete(ctx context.Context, key string, check Precondition) (runtime.Object, error) {
	getResp, err := s.client.Get(ctx, key)
	for {
		if err != nil {
			return nil, err
		}
		if len(getResp.Kvs) == 0 {
			return nil, fmt.Errorf("%s: %w", key, ErrNotFound)
		}
		kv := getResp.Kvs[0]
		cur, err := s.decode(kv.Value, kv.ModRevision)
		if err != nil {
			return nil, err
		}
		if check != nil {
			if err := check(cur); err != nil {
				return nil, err
			}
		}
		resp, err := s.client.Txn(ctx).
			If(clientv3.Compare(clientv3.ModRevision(key), "=", kv.ModRevision)).
			Then(clientv3.OpDelete(key)).
			Else(clientv3.OpGet(key)).Commit()
		if err != nil {
			return nil, err
		}
		if resp.Succeeded {
			return cur, setRV(cur, resp.Header.Revision)
		}
		getResp = (*clientv3.GetResponse)(resp.Responses[0].GetResponseRange())
	}
}

// CurrentRevision returns etcd's current revision.
func (s *Store) CurrentRevision(ctx context.Context) (int64, error) {
	resp, err := s.client.Get(ctx, "/registry/health-revision-probe", clientv3.WithCountOnly())
	if err != nil {
		return 0, err
	}
	return resp.Header.Revision, nil
}
