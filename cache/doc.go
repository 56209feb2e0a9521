// Package cache keeps what is expensive to read, and forgets it when a
// mutation revalidates it: by tag, or by path. It is the Go counterpart
// of Next.js's 'use cache', cacheLife, cacheTag, revalidateTag and
// revalidatePath, for server-rendered Go apps.
//
// # Cached functions
//
// A [Cache] is a value made by [New]; it holds no package-level state.
// [NewFunc] wraps a loader, a typed function of a comparable key, under a
// name and a life [Profile]:
//
//	invoice, err := cache.NewFunc(c, "invoice", cache.ProfileHours,
//		func(ctx context.Context, id int64) (Invoice, error) { return db.Invoice(ctx, id) },
//		cache.KeyTags(func(id int64) []string { return []string{"invoice:" + strconv.FormatInt(id, 10)} }))
//	...
//	inv, err := invoice.Get(ctx, 42)
//
// [Func.Get] serves the stored value while it may be served, and loads
// otherwise: one load per key at a time, shared by every caller that
// waits for it, on a goroutine of its own so that a caller that gives up
// does not end it for the others. A loader's error is not cached. Values
// are stored encoded (JSON, or V's own binary form) and every caller gets
// the value as decoded back, whichever store is used; on the [Memory]
// store a hit reuses the decoded value and decodes nothing, so treat it
// as read-only.
//
// # Life profiles
//
// A [Profile] says how long a value lives: fresh until Revalidate after
// its load began, then stale, served at once while one refresh per key
// runs in the background, until Expire, when it is gone and the next Get
// waits for a load. The presets are Next.js's: [ProfileSeconds],
// [ProfileMinutes], [ProfileHours], [ProfileDays], [ProfileWeeks],
// [ProfileMax] and [ProfileDefault] (which never expires). [Config]
// adds profiles of its own. A wrong profile, or a Func naming one that
// does not exist, fails [New] or [NewFunc], never a request.
//
// # Revalidation
//
// Values carry tags: from the key, given to NewFunc with [KeyTags], and
// from the loader, declared with [Tag]; a loader that gets a value from
// another Func gives its own value that one's tags too.
// [Cache.RevalidateTag] drops every value with one of its tags, on every instance sharing the store, from
// the moment it returns: a Get that starts after it never gets a value
// whose load began before it (read-your-own-writes after an action's
// redirect), and a load that was running when it came is not stored.
// [Cache.Revalidate] is the actions.Revalidator an action registry
// calls after a successful mutation.
//
// Paths are tags too: a value cached for a path carries [PathTags], so
// that [Cache.RevalidatePath] drops exactly that path and
// [Cache.RevalidatePrefix] a path and everything under it, without a
// scan of the store.
//
// # Stores
//
// A [Store] keeps entries and a version per tag: revalidating a tag moves
// its version on, and an entry stamped with an older version is never
// served again, wherever it is read. [Memory], the default, is bounded in
// bytes and serves one process; a shared store (Redis) serves many. The
// package cache/storetest checks a Store against the contract.
//
// # Failures
//
// A store that fails to read makes a miss: the loader runs, the app keeps
// answering, and the failure is logged and counted in [Cache.Stats]. A
// revalidation that the store could not record is an error for the
// caller, never a silent success.
//
// # Shutting down
//
// Loads run with the values of the context of the Get that started them,
// but not its cancellation, for at most [Config.LoadTimeout].
// [Cache.Close] cancels the loads in progress and waits for them.
package cache
