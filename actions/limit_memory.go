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
func (m *MemoryLimiter) Take(_ context.Context, key string) (time.Duration, error) {
	now := time.Now()
	r := m.limiter(key).ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now) // a reservation not yet due is given back whole
		return d, nil
	}
	return 0, nil
}

// Wait implements [Limiter].
func (m *MemoryLimiter) Wait(_ context.Context, key string) (time.Duration, error) {
	lim, ok := m.keys.Get(key)
	if !ok {
		return 0, nil // a key not seen has its whole allowance
	}
	tokens := lim.TokensAt(time.Now())
	if tokens >= 1 {
		return 0, nil
	}
	return time.Duration((1 - tokens) * float64(m.every)), nil
}

// limiter returns key's bucket, made full when the key is new.
func (m *MemoryLimiter) limiter(key string) *rate.Limiter {
	lim, ok := m.keys.Get(key)
	if !ok {
		lim = rate.NewLimiter(rate.Every(m.every), m.burst)
		if prev, found, _ := m.keys.PeekOrAdd(key, lim); found {
			lim = prev // another call added it first
		}
	}
	return lim
}
