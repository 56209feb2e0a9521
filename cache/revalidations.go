package cache

import (
	"slices"
	"sync"
	"sync/atomic"
)

// recentRevalidations is how many revalidations a [Cache] remembers.
const recentRevalidations = 256

// revalidations are the latest revalidations made through one [Cache],
// numbered. A load notes the number when it begins, and when it ends asks
// whether one of its tags was revalidated since: even a tag the loader
// declared after the revalidation, whose version the store already shows
// moved on. A load that outlives more revalidations than are remembered
// counts as revalidated.
type revalidations struct {
	mu   sync.Mutex
	seq  atomic.Uint64 // revalidations so far; written under mu
	ring [recentRevalidations][]string
}

// now is the number of revalidations so far.
func (r *revalidations) now() uint64 { return r.seq.Load() }

// add records a revalidation of tags.
func (r *revalidations) add(tags []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	seq := r.seq.Load() + 1
	r.ring[seq%recentRevalidations] = slices.Clone(tags) // the caller's slice may change
	r.seq.Store(seq)
}

// since reports whether one of tags was revalidated after revalidation
// number seq.
func (r *revalidations) since(seq uint64, tags []string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	last := r.seq.Load()
	if last-seq >= recentRevalidations {
		return true
	}
	for s := seq + 1; s <= last; s++ {
		for _, tag := range r.ring[s%recentRevalidations] {
			if slices.Contains(tags, tag) {
				return true
			}
		}
	}
	return false
}
