package redisstore

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/formwork-dev/formwork/actions"
)

// Limiter is an [actions.Limiter] in Redis, shared by every instance of
// an app that uses the same Redis and Prefix: the token bucket of
// [actions.MemoryLimiter], by Redis's clock, in a script, and the calls
// each key holds. A key's bucket expires once it is full again, so Redis
// holds only the keys in use. Limiters with the same Prefix, n and per
// share their allowances; give one its own Prefix to keep it apart. It is
// safe for concurrent use.
type Limiter struct {
	rdb   redis.UniversalClient
	base  string  // of its keys
	burst int     // calls a full bucket holds
	every float64 // µs for a call to come back
	log   *slog.Logger

	take, hold, release *redis.Script
}

var _ actions.Limiter = (*Limiter)(nil)

// holdLease is how long a held call counts at most: a hold that its
// instance never released (it stopped) is forgotten after it.
const holdLease = 5 * time.Minute

// NewLimiter returns a limiter that allows n calls per key in any period
// per, and a call more each per/n after that, as [actions.NewMemoryLimiter]
// does.
func NewLimiter(rdb redis.UniversalClient, n int, per time.Duration, opts Options) *Limiter {
	n = max(n, 1)
	return &Limiter{
		rdb:     rdb,
		base:    fmt.Sprintf("%slimit:%d/%s:", opts.prefix(), n, per),
		burst:   n,
		every:   float64(per) / float64(n) / float64(time.Microsecond),
		log:     opts.logger(),
		take:    redis.NewScript(limitScript + takeScript),
		hold:    redis.NewScript(limitScript + holdScript),
		release: redis.NewScript(limitScript + releaseScript),
	}
}

// Take implements [actions.Limiter].
func (l *Limiter) Take(ctx context.Context, key string) (time.Duration, error) {
	wait, err := l.take.Run(ctx, l.rdb, l.keys(key), l.burst, l.every).Int64()
	if err != nil {
		return 0, fmt.Errorf("redisstore: take: %w", err)
	}
	return time.Duration(wait) * time.Microsecond, nil
}

// Hold implements [actions.Limiter]. A held call counts for at most five
// minutes. The release that fails (Redis is down) is logged, and the
// call it held counts until then.
func (l *Limiter) Hold(ctx context.Context, key string) (func(taken bool), time.Duration, error) {
	id := newID()
	keys := l.keys(key)
	lease := holdLease.Microseconds()
	wait, err := l.hold.Run(ctx, l.rdb, keys, l.burst, l.every, id, lease).Int64()
	if err != nil {
		return nil, 0, fmt.Errorf("redisstore: hold: %w", err)
	}
	if wait > 0 {
		return nil, time.Duration(wait) * time.Microsecond, nil
	}
	var once sync.Once
	release := func(taken bool) {
		once.Do(func() { l.releaseHold(context.WithoutCancel(ctx), keys, id, taken) })
	}
	return release, 0, nil
}

// releaseHold gives back the call held as id, and takes one for good when
// taken and one is free.
func (l *Limiter) releaseHold(ctx context.Context, keys []string, id string, taken bool) {
	ctx, cancel := context.WithTimeout(ctx, backgroundTimeout)
	defer cancel()
	err := l.release.Run(ctx, l.rdb, keys, l.burst, l.every, id, strconv.FormatBool(taken)).Err()
	if err != nil {
		l.log.Warn("redisstore: release of a held call failed; it counts until its lease ends",
			"lease", holdLease, "err", err)
	}
}

// keys are the keys of key's bucket and of the calls it holds.
func (l *Limiter) keys(key string) []string {
	return []string{l.base + "b:" + key, l.base + "h:" + key}
}
