package actions

import (
	"context"
	"sync"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
	"golang.org/x/time/rate"
)

// MemoryLimiter is a [Limiter] in this process's memory: a token bucket
// per key (golang.org/x/time/rate), and the calls each key holds, for at
// most a bounded number of keys. When more keys are in use, the least
// recently used key's allowance is forgotten, and starts full again.
type MemoryLimiter struct {
	every time.Duration
	burst int
	keys  *lru.Cache[string, *bucket]
}

// bucket is one key's allowance, and the calls it holds.
type bucket struct {
	mu   sync.Mutex
	lim  *rate.Limiter
	held int
}

// NewMemoryLimiter returns a limiter that allows n calls per key in any
// period per, and a call more each per/n after that; maxKeys bounds its
// memory (100,000 when 0 or less).
func NewMemoryLimiter(n int, per time.Duration, maxKeys int) *MemoryLimiter {
	if maxKeys <= 0 {
		maxKeys = 100_000
	}
	keys, err := lru.New[string, *bucket](maxKeys)
	if err != nil {
		panic(err) // only for a size below 1
	}
	return &MemoryLimiter{every: per / time.Duration(max(n, 1)), burst: max(n, 1), keys: keys}
}

// Take implements [Limiter].
func (m *MemoryLimiter) Take(_ context.Context, key string) (time.Duration, error) {
	b := m.bucket(key)
	b.mu.Lock()
	defer b.mu.Unlock()
	return m.take(b, 0), nil
}

// Hold implements [Limiter].
func (m *MemoryLimiter) Hold(_ context.Context, key string) (func(taken bool), time.Duration, error) {
	b := m.bucket(key)
	b.mu.Lock()
	defer b.mu.Unlock()
	if wait := m.wait(b, b.held); wait > 0 {
		return nil, wait, nil
	}
	b.held++
	var once sync.Once
	return func(taken bool) {
		once.Do(func() {
			b.mu.Lock()
			defer b.mu.Unlock()
			b.held--
			if taken {
				m.take(b, 0)
			}
		})
	}, 0, nil
}

// take takes a call from b when one is free beside the held ones, and
// returns 0; or returns the wait. b.mu is held.
func (m *MemoryLimiter) take(b *bucket, held int) time.Duration {
	if wait := m.wait(b, held); wait > 0 {
		return wait
	}
	b.lim.AllowN(time.Now(), 1)
	return 0
}

// wait is how long until a call is free in b beside held calls. b.mu is
// held.
func (m *MemoryLimiter) wait(b *bucket, held int) time.Duration {
	missing := float64(held+1) - b.lim.TokensAt(time.Now())
	if missing <= 0 {
		return 0
	}
	return time.Duration(missing * float64(m.every))
}

// bucket returns key's bucket, made full when the key is new.
func (m *MemoryLimiter) bucket(key string) *bucket {
	b, ok := m.keys.Get(key)
	if !ok {
		b = &bucket{lim: rate.NewLimiter(rate.Every(m.every), m.burst)}
		if prev, found, _ := m.keys.PeekOrAdd(key, b); found {
			b = prev // another call added it first
		}
	}
	return b
}
