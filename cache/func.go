package cache

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"
)

// A Func is a function whose values are cached, one per key: the Go
// counterpart of a Next.js function marked 'use cache'. Its values live
// as long as its [Profile] says, unless a tag or path they carry is
// revalidated first. A Func is safe for concurrent use.
type Func[K comparable, V any] struct {
	c       *Cache
	name    string
	profile Profile
	load    func(context.Context, K) (V, error)
	keyTags func(K) []string
	key     keyer[K]
	codec   codec[V]

	mu      sync.Mutex
	flights map[string]*flight[V] // by store key
}

// NewFunc returns load cached in c under name, with the life of the
// profile called profile (a preset such as [ProfileHours], or one of
// [Config.Profiles]).
//
// The name begins every store key of the Func, so it is unique in c, and
// has neither ':' nor spaces. Change it when V changes shape, so that a
// new deploy does not read the old one's values. K must not hold
// pointers or channels (a key is written out as Go syntax; see
// [Func.Get]).
//
// Values reach the store as JSON (encoding/json), or in their own binary
// form when V implements encoding.BinaryMarshaler and *V
// encoding.BinaryUnmarshaler. A value that cannot be encoded fails the
// Get that loaded it.
func NewFunc[K comparable, V any](c *Cache, name, profile string, load func(ctx context.Context, k K) (V, error), opts ...FuncOption[K]) (*Func[K, V], error) {
	if name == "" || strings.ContainsAny(name, ": \t\r\n") {
		return nil, fmt.Errorf("cache: Func name %q is empty or has ':' or spaces", name)
	}
	p, ok := c.Profile(profile)
	if !ok {
		return nil, fmt.Errorf("cache: Func %s: no profile called %q", name, profile)
	}
	key, err := keyerFor[K]()
	if err != nil {
		return nil, fmt.Errorf("cache: Func %s: %w", name, err)
	}
	if err := c.claim(name); err != nil {
		return nil, err
	}
	var o funcOptions[K]
	for _, opt := range opts {
		opt(&o)
	}
	return &Func[K, V]{
		c: c, name: name, profile: p, load: load, keyTags: o.keyTags,
		key: key, codec: codecFor[V](), flights: map[string]*flight[V]{},
	}, nil
}

// Name returns the Func's name.
func (f *Func[K, V]) Name() string { return f.name }

// Get returns the value for k: the cached one when it is fresh; the
// cached one when it is stale, while one refresh runs in the background;
// otherwise the value of a load, shared with every caller waiting for k
// meanwhile. A loader's error is returned to the callers of that load
// and is not cached.
//
// Every caller may get the same V: treat it as read-only. It is the
// value as the store's encoding gives it back, whichever store is used,
// and whether it was loaded just now or long ago.
//
// The load runs on a goroutine of its own, with ctx's values but not its
// cancellation, bounded by [Config.LoadTimeout] and by [Cache.Close]: a
// caller that gives up (ctx ends, Get returns ctx's error) does not end
// the load for the others.
//
// A load during which one of the value's tags was revalidated is not
// stored. Its value goes to the caller whose Get started the load, which
// began before the revalidation; callers that joined the load meanwhile
// load again, once, as they may have come after it. So a Get that starts
// after a revalidation returned never gets a value whose load began
// before it.
//
// Its store key is the Func's name, ':', and k as Go syntax (%#v):
// distinct keys never share an entry, unless K has a GoString method that
// gives two of them the same text.
func (f *Func[K, V]) Get(ctx context.Context, k K) (V, error) {
	v, _, err := f.Lookup(ctx, k)
	return v, err
}

// A Status says how a [Func.Lookup] was answered.
type Status int

// The ways a lookup is answered.
const (
	StatusMiss  Status = iota // by a load
	StatusHit                 // by a fresh entry
	StatusStale               // by a stale entry, while one refresh runs
)

// String is the status as an X-Cache header says it: MISS, HIT or STALE.
func (s Status) String() string {
	switch s {
	case StatusHit:
		return "HIT"
	case StatusStale:
		return "STALE"
	}
	return "MISS"
}

// Lookup is [Func.Get], and says how it was answered: a fresh entry (StatusHit),
// a stale one while a refresh runs (StatusStale), or a load (StatusMiss).
func (f *Func[K, V]) Lookup(ctx context.Context, k K) (V, Status, error) {
	key := f.key(f.name, k)
	if v, e, st, ok := f.cached(ctx, key, k); ok {
		inherit(ctx, e.Tags, e.Versions)
		return v, st, nil
	}
	v, err := f.wait(ctx, key, k, true)
	return v, StatusMiss, err
}

// Fresh returns the value for k when a fresh entry holds it, and true; it
// never loads, nor refreshes. It is the fast path of a hit, for a caller
// that builds Lookup's context only on a miss.
func (f *Func[K, V]) Fresh(ctx context.Context, k K) (V, bool) {
	return f.FreshAt(ctx, f.StoreKey(k), time.Now())
}

// StoreKey returns the key under which k's value is stored, for a caller
// that keeps it to look k up again without building it (see
// [Func.FreshAt]).
func (f *Func[K, V]) StoreKey(k K) string { return f.key(f.name, k) }

// FreshAt is [Func.Fresh] for the store key of a k, as [Func.StoreKey]
// returned it, judged at now (a caller that read the clock already
// passes what it read).
func (f *Func[K, V]) FreshAt(ctx context.Context, storeKey string, now time.Time) (V, bool) {
	v, e, ok := f.read(ctx, storeKey, now)
	if !ok || !now.Before(e.Revalidate) {
		var zero V
		return zero, false
	}
	f.c.stats.hits.Add(1)
	inherit(ctx, e.Tags, e.Versions)
	return v, true
}

// cached returns the value stored at key, its entry and whether it is
// fresh, when it may be served, starting a refresh when it is stale.
func (f *Func[K, V]) cached(ctx context.Context, key string, k K) (V, *Entry, Status, bool) {
	now := time.Now()
	v, e, ok := f.read(ctx, key, now)
	switch {
	case !ok:
		f.c.stats.misses.Add(1)
		return v, e, StatusMiss, false
	case now.Before(e.Revalidate):
		f.c.stats.hits.Add(1)
		return v, e, StatusHit, true
	}
	f.c.stats.stale.Add(1)
	f.join(ctx, key, k, false)
	return v, e, StatusStale, true
}

// read returns the value stored at key, and its entry. A store's
// failure, or a value that does not decode, is a miss.
func (f *Func[K, V]) read(ctx context.Context, key string, now time.Time) (V, *Entry, bool) {
	var zero V
	if m := f.c.mem; m != nil {
		me, ok := m.get(key, now)
		if !ok {
			return zero, nil, false
		}
		if v, ok := me.v.(V); ok {
			return v, &me.e, true
		}
		return f.decode(ctx, key, &me.e)
	}
	e, ok, err := f.c.store.Get(ctx, key)
	if err != nil {
		f.c.failed(ctx, "get", key, err)
	}
	if !ok || err != nil {
		return zero, nil, false
	}
	return f.decode(ctx, key, &e)
}

// decode returns e's value.
func (f *Func[K, V]) decode(ctx context.Context, key string, e *Entry) (V, *Entry, bool) {
	v, err := f.codec.decode(e.Value)
	if err != nil {
		f.c.failed(ctx, "decode", key, err)
		return v, nil, false
	}
	return v, e, true
}

// wait waits for a load of k, joined or started. A caller that joined a
// load whose value turned out revalidated loads again, once, when again
// is true: it may have come after the revalidation.
func (f *Func[K, V]) wait(ctx context.Context, key string, k K, again bool) (V, error) {
	var zero V
	fl, lead := f.join(ctx, key, k, true)
	if fl == nil {
		return zero, ErrClosed
	}
	select {
	case <-fl.done:
	case <-ctx.Done():
		return zero, ctx.Err()
	}
	if fl.discarded && !lead && again {
		if v, e, _, ok := f.cached(ctx, key, k); ok {
			inherit(ctx, e.Tags, e.Versions)
			return v, nil
		}
		return f.wait(ctx, key, k, false)
	}
	inherit(ctx, fl.tags, fl.versions)
	return fl.v, fl.err
}
