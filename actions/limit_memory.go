package actions

import (
	"context"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
	"golang.org/x/time/rate"
)

// MemoryLimiter is a [Limiter] in this process's memory: a token bucket
// per key (golang.org/x/time/rate), for at most a bounded number of keys.
// When more keys are in use, the least recently used key's allowance is
// forgotten, and starts full again.
type MemoryLimiter struct {
	every time.Duration
	burst int
	keys  *lru.Cache[string, *rate.Limiter]
}

// NewMemoryLimiter returns a limiter that allows n calls per key in any
// period per, and a call more each per/n after that; maxKeys bounds its
// memory (100,000 when 0 or less).
func NewMemoryLimiter(n int, per time.Duration, maxKeys int) *MemoryLimiter {
	if maxKeys <= 0 {
		maxKeys = 100_000
	}
	keys, err := lru.New[string, *rate.Limiter](maxKeys)
	if err != nil {
		panic(err) // only for a size below 1
	}
	return &MemoryLimiter{every: per / time.Duration(max(n, 1)), burst: max(n, 1), keys: keys}
}

// Take implements [Limiter].
func (m *MemoryLimiter) Take(_ context.Context, key string) (refund func(), wait time.Duration, err error) {
	lim, ok := m.keys.Get(key)
	if !ok {
		lim = rate.NewLimiter(rate.Every(m.every), m.burst)
		if prev, found, _ := m.keys.PeekOrAdd(key, lim); found {
			lim = prev // another call added it first
		}
	}
	now := time.Now()
	r := lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return nil, d, nil
	}
	return func() { r.Cancel() }, 0, nil
}
