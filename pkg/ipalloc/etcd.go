package ipalloc

import (
	"context"
	"strings"

	clientv3 "go.etcd.io/etcd/client/v3"
)

// AllocationsPrefix is where the API server keeps its allocations in etcd.
const AllocationsPrefix = "/registry/skiff/allocations/"

// EtcdBackend is a Backend with one etcd key per held item (Prefix + item, value the owner).
// Claims are create-if-absent transactions and releases compare the owner, so any number of
// API servers may share it.
type EtcdBackend struct {
	Client *clientv3.Client
	// Prefix ends with "/", e.g. AllocationsPrefix + "clusterips/".
	Prefix string
}

func (e *EtcdBackend) Claim(ctx context.Context, item, owner string) (bool, error) {
	key := e.Prefix + item
	resp, err := e.Client.Txn(ctx).
		If(clientv3.Compare(clientv3.CreateRevision(key), "=", 0)).
		Then(clientv3.OpPut(key, owner)).Commit()
	if err != nil {
		return false, err
	}
	return resp.Succeeded, nil
}

func (e *EtcdBackend) Release(ctx context.Context, item, owner string) error {
	key := e.Prefix + item
	if owner == "" {
		_, err := e.Client.Delete(ctx, key)
		return err
	}
	_, err := e.Client.Txn(ctx).If(clientv3.Compare(clientv3.Value(key), "=", owner)).Then(clientv3.OpDelete(key)).Commit()
	return err
}

func (e *EtcdBackend) List(ctx context.Context) (map[string]string, error) {
	held, _, err := e.ListRevisions(ctx)
	return held, err
}

// ListRevisions is List plus each key's mod revision (the repair loop frees a leaked item only
// if it did not change since it was found leaked).
func (e *EtcdBackend) ListRevisions(ctx context.Context) (map[string]string, map[string]int64, error) {
	resp, err := e.Client.Get(ctx, e.Prefix, clientv3.WithPrefix())
	if err != nil {
		return nil, nil, err
	}
	held, revs := map[string]string{}, map[string]int64{}
	for _, kv := range resp.Kvs {
		item := strings.TrimPrefix(string(kv.Key), e.Prefix)
		held[item], revs[item] = string(kv.Value), kv.ModRevision
	}
	return held, revs, nil
}

// ReleaseAt frees item if its key is still at mod revision rev.
func (e *EtcdBackend) ReleaseAt(ctx context.Context, item string, rev int64) error {
	key := e.Prefix + item
	_, err := e.Client.Txn(ctx).If(clientv3.Compare(clientv3.ModRevision(key), "=", rev)).Then(clientv3.OpDelete(key)).Commit()
	return err
}
