package redisstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/formwork-dev/formwork/actions"
)

// OnceStore is an [actions.OnceStore] in Redis, which makes [actions.Once]
// hold across every instance of an app that uses the same Redis and
// Prefix: a token is a key that expires with the token, holding its first
// call's outcome, empty while that call runs. It is safe for concurrent
// use.
type OnceStore struct {
	rdb    redis.UniversalClient
	prefix string
}

var _ actions.OnceStore = (*OnceStore)(nil)

// NewOnceStore returns a store of one-time tokens in the Redis that rdb
// reaches.
func NewOnceStore(rdb redis.UniversalClient, opts Options) *OnceStore {
	return &OnceStore{rdb: rdb, prefix: opts.prefix()}
}

// Claim implements [actions.OnceStore] with one SET NX GET PXAT: it sets
// the token's key unless it exists, and returns what it held.
func (s *OnceStore) Claim(ctx context.Context, token string, expires time.Time) (bool, string, error) {
	at := max(expires.UnixMilli(), 1) // a time past: the key expires at once
	outcome, err := s.rdb.Do(ctx, "SET", s.key(token), "", "NX", "GET", "PXAT", at).Text()
	switch {
	case errors.Is(err, redis.Nil):
		return true, "", nil
	case err != nil:
		return false, "", fmt.Errorf("redisstore: claim one-time token: %w", err)
	}
	return false, outcome, nil
}

// Settle implements [actions.OnceStore]: it records outcome in the
// token's key, if it is still there, keeping its expiry.
func (s *OnceStore) Settle(ctx context.Context, token, outcome string) error {
	err := s.rdb.Do(ctx, "SET", s.key(token), outcome, "XX", "KEEPTTL").Err()
	if err != nil && !errors.Is(err, redis.Nil) {
		return fmt.Errorf("redisstore: settle one-time token: %w", err)
	}
	return nil
}

// Release implements [actions.OnceStore]: it deletes the token's key.
func (s *OnceStore) Release(ctx context.Context, token string) error {
	if err := s.rdb.Del(ctx, s.key(token)).Err(); err != nil {
		return fmt.Errorf("redisstore: release one-time token: %w", err)
	}
	return nil
}

// key is token's key.
func (s *OnceStore) key(token string) string { return s.prefix + "once:" + token }
