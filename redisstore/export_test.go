package redisstore

import "github.com/redis/go-redis/v9"

// NewCacheWatched is NewCache with onHint, which sees the tags of each
// bump hint once the near-cache dropped them, and nil after each
// (re)subscription flushed it.
func NewCacheWatched(rdb redis.UniversalClient, opts Options, onHint func(tags []string)) *Cache {
	return newCache(rdb, opts, onHint, true)
}

// NewCacheDeaf is NewCache whose near-cache never hears a hint, as if
// every one were lost.
func NewCacheDeaf(rdb redis.UniversalClient, opts Options) *Cache {
	return newCache(rdb, opts, nil, false)
}

// NearHolds reports whether c's near-cache holds an entry at key.
func NearHolds(c *Cache, key string) bool {
	if c.near == nil {
		return false
	}
	c.near.mu.Lock()
	defer c.near.mu.Unlock()
	return c.near.items[key] != nil
}
