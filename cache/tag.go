package cache

import (
	"context"
	"slices"
	"sync"
)

// Tag tags the value being loaded with tags, so that revalidating one of
// them drops it. Call it from a [Func]'s loader, with the context the
// loader was given; anywhere else it does nothing.
//
// Call Tag before the reads that the tags cover. A revalidation made
// through this process's [Cache] while the load runs discards the value
// whenever Tag is called; one made by another process sharing the store
// is seen only if it comes after Tag. Tags known from the key alone are
// best given to NewFunc with [KeyTags], which tags before the load
// begins.
//
// A loader that gets a value from another [Func] need not repeat its
// tags: the value it loads carries them, at the versions the inner value
// holds, so revalidating the inner value revalidates the outer one.
func Tag(ctx context.Context, tags ...string) {
	if l, ok := ctx.Value(loadKey{}).(*loadTags); ok {
		l.add(ctx, tags)
	}
}

// loadKey is the context key of a load's *loadTags.
type loadKey struct{}

// loadTags are the tags of one load, each with its version when it was
// declared.
type loadTags struct {
	store Store

	mu       sync.Mutex
	tags     []string
	versions []uint64
	err      error // of a store that could not say a version
}

// add records tags and their versions now.
func (l *loadTags) add(ctx context.Context, tags []string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var fresh []string
	for _, tag := range tags {
		if tag != "" && !slices.Contains(l.tags, tag) && !slices.Contains(fresh, tag) {
			fresh = append(fresh, tag)
		}
	}
	if len(fresh) == 0 {
		return
	}
	vs, err := l.store.Versions(ctx, fresh)
	if err != nil {
		l.err = err
		return
	}
	l.tags = append(l.tags, fresh...)
	l.versions = append(l.versions, vs...)
}

// inherit gives the load that ctx belongs to, if any, the tags of a
// value it got from a Func, at the versions that value holds: revalidating
// the inner value's tags revalidates the outer value too, even when the
// revalidation came before the inner value reached the outer load.
func inherit(ctx context.Context, tags []string, versions []uint64) {
	if len(tags) == 0 {
		return
	}
	if l, ok := ctx.Value(loadKey{}).(*loadTags); ok {
		l.stamped(tags, versions)
	}
}

// stamped records tags at versions, keeping the older version of a tag
// already recorded.
func (l *loadTags) stamped(tags []string, versions []uint64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i, tag := range tags {
		if j := slices.Index(l.tags, tag); j >= 0 {
			l.versions[j] = min(l.versions[j], versions[i])
		} else {
			l.tags = append(l.tags, tag)
			l.versions = append(l.versions, versions[i])
		}
	}
}

// done returns the tags and versions recorded, or the store's error.
func (l *loadTags) done() ([]string, []uint64, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.tags, l.versions, l.err
}
