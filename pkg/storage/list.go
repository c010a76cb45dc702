package storage

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"

	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"
	"k8s.io/apimachinery/pkg/runtime"
)

// ListOptions selects what List returns.
type ListOptions struct {
	// Revision reads at this etcd revision; 0 reads the latest. Ignored when Continue is set.
	Revision int64
	// Limit caps the number of items returned (0: no cap); a Continue token is returned when more remain.
	Limit int64
	// Continue resumes a previous paged List at its revision.
	Continue string
	// Filter, when set, keeps only the objects it accepts. Filtered items do not count towards Limit.
	Filter func(runtime.Object) bool
}

// ListResult is one page of a List.
type ListResult struct {
	Items    []runtime.Object
	Revision int64
	// Continue is non-empty when more items remain after this page.
	Continue string
	// Remaining is the number of keys after this page, when known (unfiltered lists only).
	Remaining *int64
}

type continueToken struct {
	Version  string `json:"v"`
	Revision int64  `json:"rv"`
	Start    string `json:"start"`
}

// EncodeContinue returns the token resuming a list of prefix after key at revision.
func encodeContinue(rev int64, next string) string {
	b, _ := json.Marshal(continueToken{Version: "meta.k8s.io/v1", Revision: rev, Start: next})
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeContinue(tok, prefix string) (int64, string, error) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return 0, "", fmt.Errorf("%w: %v", ErrInvalidContinue, err)
	}
	var c continueToken
	if err := json.Unmarshal(b, &c); err != nil || c.Version != "meta.k8s.io/v1" || c.Revision <= 0 {
		return 0, "", fmt.Errorf("%w: malformed", ErrInvalidContinue)
	}
	return c.Revision, prefix + c.Start, nil
}

// IsExpired maps etcd's compaction error to ErrExpired.
func mapEtcdErr(err error) error {
	if errors.Is(err, rpctypes.ErrCompacted) {
		return fmt.Errorf("%w: %v", ErrExpired, err)
	}
	return err
}

// List returns the objects under prefix (which should end in "/"), in key order, all read at
// one revision.
func (s *Store) List(ctx context.Context, prefix string, opts ListOptions) (*ListResult, error) {
	rev, start := opts.Revision, prefix
	if opts.Continue != "" {
		var err error
		if rev, start, err = decodeContinue(opts.Continue, prefix); err != nil {
			return nil, err
		}
	}
	end := clientv3.GetPrefixRangeEnd(prefix)
	out := &ListResult{}
	batch := opts.Limit
	if batch <= 0 || opts.Filter != nil {
		batch = max(batch, 500)
	}
	for {
		ops := []clientv3.OpOption{clientv3.WithRange(end), clientv3.WithLimit(batch)}
		if rev > 0 {
			ops = append(ops, clientv3.WithRev(rev))
		}
		resp, err := s.client.Get(ctx, start, ops...)
		if err != nil {
			return nil, mapEtcdErr(err)
		}
		if rev == 0 {
			rev = resp.Header.Revision
		}
		for i, kv := range resp.Kvs {
			obj, err := s.decode(kv.Value, kv.ModRevision)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", kv.Key, err)
			}
			if opts.Filter != nil && !opts.Filter(obj) {
				continue
			}
			out.Items = append(out.Items, obj)
			if opts.Limit > 0 && int64(len(out.Items)) == opts.Limit {
				more := int64(len(resp.Kvs)-i-1) + (resp.Count - int64(len(resp.Kvs)))
				if more > 0 {
					out.Continue = encodeContinue(rev, string(kv.Key[len(prefix):])+"\x00")
					if opts.Filter == nil {
						out.Remaining = &more
					}
				}
				out.Revision = rev
				return out, nil
			}
		}
		if !resp.More || len(resp.Kvs) == 0 {
			break
		}
		start = string(resp.Kvs[len(resp.Kvs)-1].Key) + "\x00"
	}
	out.Revision = rev
	return out, nil
}
