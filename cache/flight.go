package cache

import (
	"context"
	"fmt"
	"runtime/debug"
	"slices"
	"time"
)

// A flight is one load of one key, which every Get of the key waits for
// while it runs.
type flight[V any] struct {
	done chan struct{} // closed when the fields below are set
	seq  uint64        // the Cache's revalidations when it began

	v         V
	err       error
	tags      []string // of v, with their versions when the load began
	versions  []uint64
	discarded bool // revalidated during the load: v was not stored
}

// join returns the flight of key, starting one when there is none, and
// whether it started it; nil after Close. A Get (fresh is true) does not
// join a flight that began before a revalidation made since through this
// Cache: it must not get a value older than a revalidation it came after.
// A refresh joins any flight: one load at a time is enough.
func (f *Func[K, V]) join(ctx context.Context, key string, k K, fresh bool) (*flight[V], bool) {
	seq := f.c.recent.now()
	f.mu.Lock()
	defer f.mu.Unlock()
	if fl, ok := f.flights[key]; ok && (fl.seq == seq || !fresh) {
		return fl, false
	}
	fl := &flight[V]{done: make(chan struct{}), seq: seq}
	if !f.c.goLoad(ctx, func(ctx context.Context) { f.fly(ctx, key, k, fl) }) {
		return nil, false
	}
	f.flights[key] = fl
	return fl, true
}

// fly runs fl: it loads k and keeps the value, then lets the waiters go.
func (f *Func[K, V]) fly(ctx context.Context, key string, k K, fl *flight[V]) {
	defer f.land(key, fl)
	start := time.Now()
	tags := &loadTags{store: f.c.store}
	ctx = context.WithValue(ctx, loadKey{}, tags)
	v, err := f.call(ctx, k)
	if err != nil {
		fl.err = err
		return
	}
	f.c.stats.loads.Add(1)
	fl.tags, fl.versions, _ = tags.done()
	fl.v, fl.discarded, fl.err = f.keep(ctx, key, start, fl.seq, tags, v)
}

// land ends fl.
func (f *Func[K, V]) land(key string, fl *flight[V]) {
	f.mu.Lock()
	if f.flights[key] == fl {
		delete(f.flights, key)
	}
	f.mu.Unlock()
	close(fl.done)
}

// call tags the load with the key's tags and runs the loader; a panic is
// its error.
func (f *Func[K, V]) call(ctx context.Context, k K) (v V, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("cache: %s: the loader panicked: %v", f.name, r)
			f.c.log.ErrorContext(ctx, "cache: a loader panicked", "func", f.name, "panic", r, "stack", string(debug.Stack()))
		}
	}()
	if f.keyTags != nil {
		Tag(ctx, f.keyTags(k)...)
	}
	return f.load(ctx, k)
}

// keep encodes v and stores it at key, unless a revalidation of one of
// its tags came after the load began (discarded). It returns v as the
// store gives it back.
func (f *Func[K, V]) keep(ctx context.Context, key string, start time.Time, seq uint64, tags *loadTags, v V) (V, bool, error) {
	b, err := f.codec.encode(v)
	if err != nil {
		return v, false, fmt.Errorf("cache: %s: encoding a value: %w", f.name, err)
	}
	if v, err = f.codec.decode(b); err != nil {
		return v, false, fmt.Errorf("cache: %s: decoding a value just encoded: %w", f.name, err)
	}
	ts, vs, err := tags.done()
	if err != nil {
		f.c.failed(ctx, "versions", key, err)
		return v, false, nil
	}
	if f.c.recent.since(seq, ts) || f.behind(ctx, key, ts, vs) {
		f.c.stats.discarded.Add(1)
		return v, true, nil
	}
	e := Entry{
		Value: b, Tags: ts, Versions: vs, Created: start,
		Revalidate: start.Add(f.profile.Revalidate), Expires: start.Add(f.profile.Expire),
	}
	if f.c.mem != nil {
		f.c.mem.set(key, e, v)
	} else if err := f.c.store.Set(ctx, key, e); err != nil {
		f.c.failed(ctx, "set", key, err)
	}
	return v, false, nil
}

// behind reports whether one of tags has moved on from its version in
// vs, or the store cannot tell.
func (f *Func[K, V]) behind(ctx context.Context, key string, tags []string, vs []uint64) bool {
	if len(tags) == 0 {
		return false
	}
	if f.c.mem != nil {
		return !f.c.mem.vs.current(tags, vs)
	}
	now, err := f.c.store.Versions(ctx, tags)
	if err != nil {
		f.c.failed(ctx, "versions", key, err)
		return true
	}
	return !slices.Equal(now, vs)
}
