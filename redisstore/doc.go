// Package redisstore keeps in Redis what formwork needs shared when an
// app runs as several instances: the cache's entries and tag versions
// ([Cache], a cache.Store), the one-time tokens of Once actions
// ([OnceStore], an actions.OnceStore) and the allowances of limited
// actions ([Limiter], an actions.Limiter). Each takes a go-redis client
// and [Options]; every key and channel starts with Options.Prefix, so
// that apps can share one Redis.
//
// # The cache
//
// Each tag has a version, a counter that [Cache.Bump] increments (one
// script for all its tags, which then publishes a hint). An entry is
// stamped with its tags' versions as they were when its load began, and
// every [Cache.Get] checks them, in the same round trip as the entry: a
// script reads the entry, compares each stamped version with its tag's
// current one, and answers the entry only when all are equal (it deletes
// a stale one). So a bump is seen by every instance's next read, the
// moment Bump returns, whatever becomes of its hint. [Cache.Set] refuses,
// in its script, an entry whose versions are already behind.
//
// A near-cache (Options.NearCacheBytes) keeps recent entries in the
// process, each with the random ID it was stored under. A read sends the
// ID of the entry it holds; when Redis still has that very entry, and it
// is current, the script answers 1 instead of the value. A near hit thus
// costs the same one round trip as any read, with a reply of a few bytes
// and no value to decode. Since Redis decides, the near-cache never
// changes what a read answers, only what it transfers: an entry replaced,
// expired, evicted or lost with a restart is not served from it.
//
// Bump hints come by pub/sub: each drops the entries of its tags from
// every near-cache, to free it early. A hint is never needed for a read
// to be right, and a lost one costs nothing but memory. The near-cache is
// flushed whenever its subscription (re)subscribes, since hints may have
// been lost while it was away, and whenever Redis is found to have
// restarted.
//
// # Restarts
//
// A Redis restarted without persistence has lost every version (all are
// 0 again), and one restarted from a snapshot or replaced by a replica
// may have older ones. Entries lost with it are no concern, and neither
// is the near-cache (it serves only what Redis still has), but a load in
// flight is: its versions, read before the restart, could equal the ones
// the new run reaches after bumps the load never saw. So the scripts of
// Versions and Set answer Redis's run_id (new at each start of the
// process); a Cache that hears a new one refuses, in Set, every entry
// whose load began before it heard it, by its own clock, and the set
// script refuses an entry when Redis runs as another process than the
// one the Cache last heard from.
//
// # Choosing the client
//
// This package uses go-redis (github.com/redis/go-redis/v9) rather than
// rueidis. Rueidis's strengths are server-assisted client-side caching
// over RESP3 and automatic pipelining. The first cannot serve here: an
// invalidation reaches a client some time after the write that caused
// it, while a bump must be seen by the very next read anywhere, so every
// read must ask Redis anyway, and the one-round-trip script above does
// what the client-side cache would, with values checked by entry ID. The
// second matters little for a script per read on a pooled connection.
// What the near-cache needs is to know when hints may have been lost:
// go-redis's PubSub subscribes again by itself after a broken connection
// and says so (a *redis.Subscription from Receive), which is where the
// near-cache is flushed. And go-redis is by far the more widespread
// client: an app that has Redis most likely has a go-redis client
// already, which it passes here as a [redis.UniversalClient].
//
// # Running Redis for it
//
//   - Redis 7.0 or later: a claim of a one-time token is one SET with
//     both NX and GET. The cache's scripts call INFO (for the run_id),
//     which an ACL user needs besides EVALSHA, EVAL and PUBLISH.
//   - Keep nothing on disk (as a cache should), or use an append-only
//     file with appendfsync always: a snapshot restores versions that
//     lag behind bumps that returned before the crash.
//   - Never let Redis evict a version, and never let it refuse a bump:
//     use maxmemory-policy volatile-lfu (entries, one-time tokens and
//     buckets expire and may be evicted; versions do not expire and are
//     kept), never an allkeys-* one, and not noeviction: a Redis full of
//     entries would then refuse the INCR of every revalidation. An
//     evicted one-time token lets its form be sent twice: give Redis
//     room enough for the tokens of the forms in flight.
//   - Standalone Redis or Sentinel. On a Redis Cluster, put a hash tag in
//     the prefix ("{myapp}:") so that an entry and its tags' versions
//     share a slot.
//   - Build the client with ContextTimeoutEnabled, so that a Redis that
//     stops answering fails a call at its context's deadline, not only
//     at the client's ReadTimeout. Errors are returned, never hidden: the
//     cache falls through to its loader on a failed read and reports a
//     failed bump.
package redisstore
