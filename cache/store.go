package cache

import (
	"context"
	"time"
)

// A Store keeps a cache's entries, and a version for each tag. Revalidating
// a tag moves its version on; an entry remembers the versions of its tags
// as they were when its load began, and is gone for good once any of them
// has moved on. So a revalidation made anywhere (another instance, during
// the entry's own load) is never undone by a value built before it, and
// needs no message to arrive: the version is the truth, any message only a
// hint.
//
// A Store is safe for concurrent use. Its errors are the store's own (a
// network down): the cache falls through to the loader on a failed read
// and logs it, and reports a failed Bump to the caller.
type Store interface {
	// Get returns the entry at key when there is one, it has not expired,
	// and every one of its tags is still at the version the entry holds.
	// Otherwise it reports ok false (and may drop the entry). Times come
	// back to the millisecond at least. The caller does not modify the
	// entry's slices, which the store may share.
	Get(ctx context.Context, key string) (e Entry, ok bool, err error)
	// Set stores e at key until e.Expires. A store may refuse, silently,
	// an entry whose versions are already behind (a revalidation came
	// during its load), and may evict entries early to bound its size.
	Set(ctx context.Context, key string, e Entry) error
	// Versions returns the current version of each tag, in order; a tag
	// never bumped is at 0. (A store that forgets tags to bound its memory
	// may put the tags it forgot, and those never bumped, at a version
	// above every one it gave before, as [Memory] does: then every entry
	// stamped before with one of them is behind.)
	Versions(ctx context.Context, tags []string) ([]uint64, error)
	// Bump moves each tag's version on. Every entry tagged with one of
	// them, stored before or being loaded now, is stale from the moment
	// Bump returns, on every instance that shares the store.
	Bump(ctx context.Context, tags []string) error
}

// An Entry is a cached value, encoded, with what decides how long it may
// be served.
type Entry struct {
	Value    []byte
	Tags     []string
	Versions []uint64 // of Tags, in order, as they were when the load began
	// Created is when the load began. Until Revalidate the entry is
	// fresh; after it the entry is stale, served while one refresh runs
	// in the background; at Expires it is gone.
	Created, Revalidate, Expires time.Time
}
