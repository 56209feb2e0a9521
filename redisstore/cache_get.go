package redisstore

import (
	"context"
	"fmt"
	"time"

	"github.com/formwork-dev/formwork/cache"
)

// getScript reads the entry at KEYS[1], checking that each of its tags is
// still at the version the entry holds; a stale entry is deleted. It
// answers 0 when there is no current entry; 1 when the current entry's
// ID is ARGV[1], the one the caller's near-cache holds, so that the value
// is not sent again; and otherwise the entry's ID, meta and value.
const getScript = `
local h = redis.call('HMGET', KEYS[1], 'i', 'c')
if not h[1] then return 0 end
local check = cmsgpack.unpack(h[2])
for i = 1, #check, 2 do
	if (redis.call('GET', check[i]) or '0') ~= check[i + 1] then
		redis.call('DEL', KEYS[1])
		return 0
	end
end
if h[1] == ARGV[1] then return 1 end
local mv = redis.call('HMGET', KEYS[1], 'm', 'v')
return {h[1], mv[1], mv[2]}`

// Get implements [cache.Store] in one round trip, whether or not the
// near-cache holds the entry: a script checks the versions, and sends the
// value only when the near-cache does not hold this very entry. An entry
// from the near-cache shares its Value, Tags and Versions with it and
// with other reads: do not modify them.
func (c *Cache) Get(ctx context.Context, key string) (cache.Entry, bool, error) {
	held := c.near.get(key)
	var id string
	if held != nil {
		id = held.id
	}
	reply, err := c.get.Run(ctx, c.rdb, []string{c.entryKey(key)}, id).Result()
	if err != nil {
		return cache.Entry{}, false, fmt.Errorf("redisstore: get: %w", err)
	}
	var e cache.Entry
	switch reply := reply.(type) {
	case int64:
		if reply != 1 || held == nil {
			c.near.drop(key)
			return cache.Entry{}, false, nil
		}
		e = held.entry
	case []any:
		if e, id, err = readEntry(reply); err != nil {
			return cache.Entry{}, false, err
		}
		c.near.put(key, id, e)
	default:
		return cache.Entry{}, false, fmt.Errorf("redisstore: get: unexpected reply %T", reply)
	}
	if !e.Expires.IsZero() && !time.Now().Before(e.Expires) {
		return cache.Entry{}, false, nil
	}
	return e, true, nil
}

// readEntry reads the entry and its ID from the get script's reply.
func readEntry(reply []any) (cache.Entry, string, error) {
	if len(reply) != 3 {
		return cache.Entry{}, "", fmt.Errorf("redisstore: get: %d values in reply", len(reply))
	}
	id, _ := reply[0].(string)
	meta, _ := reply[1].(string)
	value, _ := reply[2].(string)
	e, err := decodeMeta([]byte(meta))
	if err != nil {
		return cache.Entry{}, "", err
	}
	e.Value = []byte(value)
	return e, id, nil
}
