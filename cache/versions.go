package cache

import (
	"slices"
	"sync"
	"sync/atomic"
)

// versions are the tag versions of a [Memory] store. Versions come from
// one clock that every Bump moves on, so the clock alone tells a reader
// whether anything was bumped since it last looked (see memEntry.checked).
//
// Only bumped tags are remembered. Past maxTags of them, Bump forgets
// them all and raises the floor, the version of every tag it does not
// know, to the clock: every entry stamped before is then behind, once,
// rather than memory growing with each tag ever revalidated.
type versions struct {
	mu      sync.Mutex // held by bump
	clock   atomic.Uint64
	floor   atomic.Uint64
	tags    sync.Map // string → uint64
	n       int      // tags remembered; mu
	maxTags int
}

// of returns the version of tag.
func (vs *versions) of(tag string) uint64 {
	if v, ok := vs.tags.Load(tag); ok {
		return v.(uint64)
	}
	return vs.floor.Load()
}

// current reports whether every tag is still at the version held.
func (vs *versions) current(tags []string, held []uint64) bool {
	if len(tags) != len(held) {
		return false
	}
	for i, tag := range tags {
		if vs.of(tag) != held[i] {
			return false
		}
	}
	return true
}

// bump moves tags on to a new version. The clock moves last, so a reader
// that sees the new clock sees the new versions.
func (vs *versions) bump(tags []string) {
	vs.mu.Lock()
	defer vs.mu.Unlock()
	next := vs.clock.Load() + 1
	if vs.n+len(tags) > vs.maxTags {
		vs.floor.Store(next)
		vs.tags.Clear()
		vs.n = 0
	}
	for _, tag := range slices.Compact(slices.Sorted(slices.Values(tags))) {
		if _, had := vs.tags.Swap(tag, next); !had {
			vs.n++
		}
	}
	vs.clock.Store(next)
}
