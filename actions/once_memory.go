package actions

import (
	"context"
	"sync"
	"time"
)

// MemoryOnceStore is an in-memory [OnceStore] for one instance. It holds
// at most Max tokens (a default of 65536 when zero); past that the oldest
// are forgotten first, which lets only forms older than the newest Max run
// again. Expired tokens are forgotten as new ones come. Its zero value is
// ready to use and it is safe for concurrent use.
type MemoryOnceStore struct {
	Max int

	mu    sync.Mutex
	spent map[string]time.Time
	order []onceEntry // claims in order, which is expiry order for one TTL
}

type onceEntry struct {
	token   string
	expires time.Time
}

// Claim marks token as spent until expires.
func (s *MemoryOnceStore) Claim(_ context.Context, token string, expires time.Time) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.spent == nil {
		s.spent = map[string]time.Time{}
	}
	s.forget(time.Now())
	if _, ok := s.spent[token]; ok {
		return false, nil
	}
	s.spent[token] = expires
	s.order = append(s.order, onceEntry{token, expires})
	return true, nil
}

// Release forgets token.
func (s *MemoryOnceStore) Release(_ context.Context, token string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.spent, token) // its entry in order goes when its turn comes
	return nil
}

// forget drops expired tokens, and the oldest while over Max.
func (s *MemoryOnceStore) forget(now time.Time) {
	limit := s.Max
	if limit <= 0 {
		limit = 1 << 16
	}
	n := 0
	for ; n < len(s.order); n++ {
		e := s.order[n]
		exp, live := s.spent[e.token]
		live = live && exp.Equal(e.expires)
		if live && len(s.spent) < limit && now.Before(e.expires) {
			break
		}
		if live {
			delete(s.spent, e.token)
		}
	}
	s.order = s.order[n:]
	if len(s.order) > 2*limit { // released tokens between live ones
		live := s.order[:0:0]
		for _, e := range s.order {
			if exp, ok := s.spent[e.token]; ok && exp.Equal(e.expires) {
				live = append(live, e)
			}
		}
		s.order = live
	}
}
