package app

import "sync"

// userCache keeps the users that signed-in requests look up, by ID. Every
// request of a signed-in user reads its user, and the row changes only
// through the Store, which drops it from the cache after each write. The
// cache holds at most one entry per user.
//
// A read that started before a write must not put back the row the write
// replaced: each drop moves gen on, and put keeps a row only when gen is
// where it was when its read began.
type userCache struct {
	mu  sync.RWMutex
	m   map[int64]User
	gen uint64
}

// get returns a copy of the cached user with id, and the generation to
// pass to put after a miss.
func (c *userCache) get(id int64) (*User, uint64) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if u, ok := c.m[id]; ok {
		return &u, c.gen
	}
	return nil, c.gen
}

// put keeps u, read at generation gen, unless a write came since.
func (c *userCache) put(u *User, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if c.m == nil {
		c.m = map[int64]User{}
	}
	c.m[u.ID] = *u
}

// drop forgets the user with id, after a write to its row.
func (c *userCache) drop(id int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	delete(c.m, id)
}
