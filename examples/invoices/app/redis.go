package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/formwork-dev/formwork/actions"
	"github.com/formwork-dev/formwork/examples/invoices/sessionstore"
	"github.com/formwork-dev/formwork/redisstore"
)

// redisPrefix begins every key the demo keeps in Redis.
const redisPrefix = "invoices:"

// OnRedis sets cfg to keep, on the Redis server at url, all that several
// instances of the demo share to act as one app: the cache (so that a
// revalidation on one is seen by all), the one-time form tokens, the
// sign-in limits and the sessions. It returns what closes the
// connections, once the app is closed.
func OnRedis(ctx context.Context, cfg *Config, url string) (close func() error, err error) {
	opts, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("redis URL: %w", err)
	}
	// Short timeouts: with Redis down, a read falls through to the
	// database soon, and a write says the cache was not refreshed.
	opts.DialTimeout, opts.ReadTimeout, opts.WriteTimeout, opts.MaxRetries = time.Second, 500*time.Millisecond, 500*time.Millisecond, 1
	opts.ContextTimeoutEnabled = true
	rdb := redis.NewClient(opts)
	if err := rdb.Ping(ctx).Err(); err != nil {
		rdb.Close()
		return nil, fmt.Errorf("redis at %s: %w", opts.Addr, err)
	}
	sessions, err := sessionstore.Redis(ctx, url)
	if err != nil {
		rdb.Close()
		return nil, err
	}
	o := redisstore.Options{Prefix: redisPrefix, NearCacheBytes: 16 << 20, Logger: cfg.Logger}
	c := redisstore.NewCache(rdb, o)
	cfg.Cache, cfg.OnceStore, cfg.Sessions = c, redisstore.NewOnceStore(rdb, o), sessions
	cfg.NewLimiter = func(n int, per time.Duration) actions.Limiter { return redisstore.NewLimiter(rdb, n, per, o) }
	return func() error { return errors.Join(c.Close(), sessions.Close(), rdb.Close()) }, nil
}
