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

// done returns the tags and versions recorded, or the store's error.
func (l *loadTags) done() ([]string, []uint64, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.tags, l.versions, l.err
}
