package cache

import (
	"context"
	"slices"
	"sync/atomic"
	"time"

	"github.com/maypok86/otter/v2"
)

// DefaultMaxBytes bounds a [Memory] store made with no size, and the one
// [New] makes when [Config] names no store: 64 MiB.
const DefaultMaxBytes = 64 << 20

// entryOverhead is what an entry costs beyond its key, value and tags:
// the entry's struct, otter's node and the slices' headers, roughly.
const entryOverhead = 256

// Memory is a [Store] in this process's memory, bounded in bytes. Its
// entries live in an otter cache (github.com/maypok86/otter/v2), which
// evicts by frequency and recency (W-TinyLFU) when full, and runs no
// goroutine of its own. An expired entry is dropped when read, or
// evicted for room: otter's own expiry would read the clock on every
// hit. Tag versions are kept beside it (see [Memory.Bump]).
//
// A [Cache] on a Memory store keeps each value decoded beside its bytes,
// so that a hit neither decodes nor allocates for the value.
type Memory struct {
	entries *otter.Cache[string, *memEntry]
	vs      versions
}

// memEntry is a stored entry, with the value decoded (nil when set
// through [Memory.Set]) and the clock at which its versions were last
// found current.
type memEntry struct {
	e       Entry
	v       any
	checked atomic.Uint64
}

// NewMemory returns an empty Memory store that holds entries of up to
// maxBytes in all, counting keys, values and tags (DefaultMaxBytes when 0
// or less). It remembers up to 100 000 revalidated tags; see [Memory.Bump].
func NewMemory(maxBytes int64) *Memory {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	m := &Memory{vs: versions{maxTags: 100_000}}
	m.entries = otter.Must(&otter.Options[string, *memEntry]{
		MaximumWeight: uint64(maxBytes),
		Weigher:       weigh,
		Executor:      func(fn func()) { fn() },
	})
	return m
}

// Get implements [Store]. The entry's Value is the stored slice, not a
// copy: the caller must not modify it.
func (m *Memory) Get(_ context.Context, key string) (Entry, bool, error) {
	me, ok := m.get(key, time.Now())
	if !ok {
		return Entry{}, false, nil
	}
	return me.e, true, nil
}

// Set implements [Store]. An entry already behind (a tag bumped since its
// versions were read) or already expired is not stored. The store keeps
// a copy of e's slices.
func (m *Memory) Set(_ context.Context, key string, e Entry) error {
	e.Value, e.Tags, e.Versions = slices.Clone(e.Value), slices.Clone(e.Tags), slices.Clone(e.Versions)
	m.set(key, e, nil)
	return nil
}

// Versions implements [Store].
func (m *Memory) Versions(_ context.Context, tags []string) ([]uint64, error) {
	out := make([]uint64, len(tags))
	for i, tag := range tags {
		out[i] = m.vs.of(tag)
	}
	return out, nil
}

// Bump implements [Store]. Only the tags ever bumped are remembered, a
// few dozen bytes each. Past 100 000 of them the store forgets them all
// at once, and every entry stored before with a tag is treated as behind:
// one cold start, rather than memory that grows with every path ever
// revalidated.
func (m *Memory) Bump(_ context.Context, tags []string) error {
	m.vs.bump(tags)
	return nil
}

// get returns the entry at key when it has not expired by now and its
// versions are current; one expired or behind is dropped.
func (m *Memory) get(key string, now time.Time) (*memEntry, bool) {
	me, ok := m.entries.GetIfPresent(key)
	if !ok {
		return nil, false
	}
	if !now.Before(me.e.Expires) {
		m.drop(key, me)
		return nil, false
	}
	clock := m.vs.clock.Load()
	if me.checked.Load() == clock {
		return me, true
	}
	if !m.vs.current(me.e.Tags, me.e.Versions) {
		m.drop(key, me)
		return nil, false
	}
	me.checked.Store(clock)
	return me, true
}

// set stores e at key, with v its value decoded, unless e is behind or
// expired.
func (m *Memory) set(key string, e Entry, v any) {
	clock := m.vs.clock.Load()
	if !time.Now().Before(e.Expires) || !m.vs.current(e.Tags, e.Versions) {
		return
	}
	me := &memEntry{e: e, v: v}
	me.checked.Store(clock)
	m.entries.Set(key, me)
}

// drop removes the entry at key if it is still me, not a newer one.
func (m *Memory) drop(key string, me *memEntry) {
	m.entries.ComputeIfPresent(key, func(old *memEntry) (*memEntry, otter.ComputeOp) {
		if old != me {
			return old, otter.CancelOp
		}
		return nil, otter.InvalidateOp
	})
}

// weigh is an entry's weight in bytes, roughly.
func weigh(key string, me *memEntry) uint32 {
	n := entryOverhead + len(key) + len(me.e.Value) + 8*len(me.e.Versions)
	for _, tag := range me.e.Tags {
		n += 16 + len(tag)
	}
	return uint32(min(n, 1<<32-1))
}
