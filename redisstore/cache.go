package redisstore

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"sync"

	"github.com/redis/go-redis/v9"

	"github.com/formwork-dev/formwork/cache"
)

// Cache is a [cache.Store] in Redis, shared by every instance of an app
// that uses the same Redis and Prefix. Each tag has a version counter
// that [Cache.Bump] increments; every read checks, in the same round trip
// as the entry, that each of its tags is still at the version the entry
// was stamped with. A Cache with a near-cache subscribes to bump hints;
// [Cache.Close] ends the subscription. It is safe for concurrent use.
type Cache struct {
	rdb    redis.UniversalClient
	prefix string
	near   *near
	log    *slog.Logger

	runs runs

	get, set, versions, bump *redis.Script

	stop   context.CancelFunc
	done   sync.WaitGroup
	onHint func(tags []string) // for tests: after a hint, or nil tags after a (re)subscription
}

var _ cache.Store = (*Cache)(nil)

// NewCache returns a cache store in the Redis that rdb reaches. With a
// near-cache (opts.NearCacheBytes), it subscribes to bump hints until
// [Cache.Close].
func NewCache(rdb redis.UniversalClient, opts Options) *Cache {
	return newCache(rdb, opts, nil, true)
}

// newCache is NewCache, with a function that sees each hint, and that
// subscribes to hints only when told to.
func newCache(rdb redis.UniversalClient, opts Options, onHint func([]string), subscribe bool) *Cache {
	c := &Cache{
		rdb:      rdb,
		prefix:   opts.prefix(),
		near:     newNear(opts.NearCacheBytes),
		log:      opts.logger(),
		get:      redis.NewScript(getScript),
		set:      redis.NewScript(setScript),
		versions: redis.NewScript(versionsScript),
		bump:     redis.NewScript(bumpScript),
		stop:     func() {},
		onHint:   onHint,
	}
	if c.near != nil && subscribe {
		ctx, stop := context.WithCancel(context.Background())
		c.stop = stop
		c.done.Add(1)
		go c.hints(ctx)
	}
	return c
}

// Close ends the subscription to bump hints, and returns once it has
// ended. It does not close the client.
func (c *Cache) Close() error {
	c.stop()
	c.done.Wait()
	return nil
}

// versionsScript answers the run, then the version of each tag at KEYS.
const versionsScript = runScript + `
local versions = {run}
for i, key in ipairs(KEYS) do versions[i + 1] = redis.call('GET', key) or '0' end
return versions`

// Versions implements [cache.Store] in one script, which also says which
// run of Redis answered (its run_id): when that changes, Redis restarted,
// and the entries of loads that began before are refused by [Cache.Set].
func (c *Cache) Versions(ctx context.Context, tags []string) ([]uint64, error) {
	if len(tags) == 0 {
		return []uint64{}, nil
	}
	reply, err := c.versions.Run(ctx, c.rdb, c.versionKeys(tags)).StringSlice()
	if err != nil {
		return nil, fmt.Errorf("redisstore: versions: %w", err)
	}
	if len(reply) != len(tags)+1 {
		return nil, fmt.Errorf("redisstore: versions: %d values in reply", len(reply))
	}
	c.observe(reply[0])
	versions := make([]uint64, len(tags))
	for i, s := range reply[1:] {
		if versions[i], err = strconv.ParseUint(s, 10, 64); err != nil {
			return nil, fmt.Errorf("redisstore: version of tag %q: %w", tags[i], err)
		}
	}
	return versions, nil
}

// observe records the run that answered, and flushes the near-cache when
// it is a new one.
func (c *Cache) observe(run string) {
	if c.runs.observe(run) {
		c.near.flush()
	}
}

// bumpScript increments each tag's version, then publishes the hint
// ARGV[2] on the channel ARGV[1].
const bumpScript = `
for _, key in ipairs(KEYS) do redis.call('INCR', key) end
redis.call('PUBLISH', ARGV[1], ARGV[2])
return 0`

// Bump implements [cache.Store]: one script increments every tag's
// version, then publishes a hint that lets each near-cache forget the
// entries of those tags. The versions are the truth: an instance that
// misses the hint still checks them on its next read.
func (c *Cache) Bump(ctx context.Context, tags []string) error {
	if len(tags) == 0 {
		return nil
	}
	hint := appendStrings(nil, tags)
	if err := c.bump.Run(ctx, c.rdb, c.versionKeys(tags), c.channel(), hint).Err(); err != nil {
		return fmt.Errorf("redisstore: bump: %w", err)
	}
	c.near.dropTags(tags)
	return nil
}

// entryKey is the key of the entry at key.
func (c *Cache) entryKey(key string) string { return c.prefix + "e:" + key }

// versionKey is the key of tag's version.
func (c *Cache) versionKey(tag string) string { return c.prefix + "t:" + tag }

// versionKeys are the keys of tags' versions.
func (c *Cache) versionKeys(tags []string) []string {
	keys := make([]string, len(tags))
	for i, tag := range tags {
		keys[i] = c.versionKey(tag)
	}
	return keys
}

// channel is where bumps publish their hints.
func (c *Cache) channel() string { return c.prefix + "bump" }
