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
	spent map[string]onceState
	order []onceEntry // claims in order, which is expiry order for one TTL
}

type onceState struct {
	expires time.Time
	outcome string // set by Settle
}

type onceEntry struct {
	token   string
	expires time.Time
}

// Claim marks token as spent until expires, or returns the outcome that
// its first call settled.
func (s *MemoryOnceStore) Claim(_ context.Context, token string, expires time.Time) (bool, string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.spent == nil {
		s.spent = map[string]onceState{}
	}
	s.forget(time.Now())
	if st, ok := s.spent[token]; ok {
		return false, st.outcome, nil
	}
	s.spent[token] = onceState{expires: expires}
	s.order = append(s.order, onceEntry{token, expires})
	return true, "", nil
}

// Settle records the outcome of token's first call.
func (s *MemoryOnceStore) Settle(_ context.Context, token, outcome string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st, ok := s.spent[token]; ok {
		st.outcome = outcome
		s.spent[token] = st
	}
	return nil
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
		st, live := s.spent[e.token]
		live = live && st.expires.Equal(e.expires)
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
			if st, ok := s.spent[e.token]; ok && st.expires.Equal(e.expires) {
				live = append(live, e)
			}
		}
		s.order = live
	}
}
