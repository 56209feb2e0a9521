package redisstore

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/formwork-dev/formwork/cache"
)

// setScript stores the entry at KEYS[1] when each tag's version, at
// KEYS[2] on, is still the one the entry holds (ARGV[6] on), and Redis
// still runs as the process ARGV[5] (when given); and answers 1 and the
// run. Otherwise it stores nothing, and answers 0 and the run.
const setScript = runScript + `
if ARGV[5] ~= '' and ARGV[5] ~= run then return {0, run} end
local check = {}
for i = 2, #KEYS do
	local v = ARGV[i + 4]
	if (redis.call('GET', KEYS[i]) or '0') ~= v then return {0, run} end
	check[#check + 1] = KEYS[i]
	check[#check + 1] = v
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'i', ARGV[1], 'c', cmsgpack.pack(check), 'm', ARGV[2], 'v', ARGV[3])
if ARGV[4] ~= '' then redis.call('PEXPIREAT', KEYS[1], ARGV[4]) end
return {1, run}`

// Set implements [cache.Store]. It refuses, silently, an entry whose
// versions are already behind, and one whose load began (e.Created)
// before this instance heard that Redis restarted (see [Cache.Versions]);
// an entry without a Created time is checked by its versions alone. An
// entry without an Expires time stays until Redis evicts it.
func (c *Cache) Set(ctx context.Context, key string, e cache.Entry) error {
	if len(e.Versions) != len(e.Tags) {
		return fmt.Errorf("redisstore: set %q: %d versions for %d tags", key, len(e.Versions), len(e.Tags))
	}
	run, since := c.runs.current()
	if !e.Expires.IsZero() && !time.Now().Before(e.Expires) || !e.Created.IsZero() && e.Created.Before(since) {
		return nil
	}
	id := newID()
	keys := append([]string{c.entryKey(key)}, c.versionKeys(e.Tags)...)
	args := []any{id, encodeMeta(e), e.Value, unixMilli(e.Expires), run}
	for _, v := range e.Versions {
		args = append(args, strconv.FormatUint(v, 10))
	}
	reply, err := c.set.Run(ctx, c.rdb, keys, args...).Slice()
	if err != nil {
		return fmt.Errorf("redisstore: set: %w", err)
	}
	if len(reply) != 2 {
		return fmt.Errorf("redisstore: set: %d values in reply", len(reply))
	}
	run, _ = reply[1].(string)
	c.observe(run)
	if stored, _ := reply[0].(int64); stored == 1 {
		e.Value = bytes.Clone(e.Value)
		e.Tags, e.Versions = slices.Clone(e.Tags), slices.Clone(e.Versions)
		c.near.put(key, id, e)
	}
	return nil
}

// newID returns a new entry's ID: 8 random bytes.
func newID() string {
	return string(binary.LittleEndian.AppendUint64(nil, rand.Uint64()))
}

// unixMilli is t in Unix milliseconds, rounded up, or "" for the zero
// time.
func unixMilli(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return strconv.FormatInt((t.UnixMicro()+999)/1000, 10)
}
