package actions

import "sync"

// memo is a bounded cache for the results of sealing and opening bound
// arguments: a page renders the same bound values again and again, and its
// forms send the same seals back. Only verified results enter it. When it
// is full it starts over, so it never holds more than max entries.
type memo[V any] struct {
	mu  sync.RWMutex
	m   map[string]V
	max int
}

func (c *memo[V]) get(key string) (V, bool) {
	c.mu.RLock()
	v, ok := c.m[key]
	c.mu.RUnlock()
	return v, ok
}

func (c *memo[V]) put(key string, v V) {
	c.mu.Lock()
	if c.m == nil || len(c.m) >= c.max {
		c.m = make(map[string]V)
	}
	c.m[key] = v
	c.mu.Unlock()
}
