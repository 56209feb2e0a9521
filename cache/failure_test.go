package cache_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/formwork-dev/formwork/cache"
)

// failing is a Store that fails every call while down.
type failing struct {
	cache.Store
	down atomic.Bool
}

var errDown = errors.New("store down")

func (s *failing) Get(ctx context.Context, key string) (cache.Entry, bool, error) {
	if s.down.Load() {
		return cache.Entry{}, false, errDown
	}
	return s.Store.Get(ctx, key)
}

func (s *failing) Set(ctx context.Context, key string, e cache.Entry) error {
	if s.down.Load() {
		return errDown
	}
	return s.Store.Set(ctx, key, e)
}

func (s *failing) Versions(ctx context.Context, tags []string) ([]uint64, error) {
	if s.down.Load() {
		return nil, errDown
	}
	return s.Store.Versions(ctx, tags)
}

func (s *failing) Bump(ctx context.Context, tags []string) error {
	if s.down.Load() {
		return errDown
	}
	return s.Store.Bump(ctx, tags)
}

// While the store is down, reads fall through to the loader, and each
// failure is logged and counted; a revalidation fails for the caller to
// see. When it is back, values are cached again.
func TestStoreDown(t *testing.T) {
	store := &failing{Store: cache.NewMemory(0)}
	var log bytes.Buffer
	c := newCache(t, cache.Config{Store: store, Logger: slog.New(slog.NewTextHandler(&log, nil))})
	l := &loader{tags: func(string) []string { return []string{"t"} }}
	f := newFunc(t, c, "f", l)

	store.down.Store(true)
	for _, want := range []string{"a#1", "a#2"} {
		if got := get(t, f, "a"); got != want {
			t.Errorf("Get with the store down = %q, want %q from the loader", got, want)
		}
	}
	if s := c.Stats(); s.Errors == 0 {
		t.Errorf("Stats.Errors = 0 with the store down: %+v", s)
	}
	if !strings.Contains(log.String(), "store down") {
		t.Errorf("the log does not say the store is down:\n%s", log.String())
	}
	if err := c.RevalidateTag(t.Context(), "t"); !errors.Is(err, errDown) {
		t.Errorf("RevalidateTag with the store down: err = %v, want the store's", err)
	}
	if err := c.Revalidate(t.Context(), nil, []string{"/"}); !errors.Is(err, errDown) {
		t.Errorf("Revalidate with the store down: err = %v, want the store's", err)
	}

	store.down.Store(false)
	first := get(t, f, "a")
	if got := get(t, f, "a"); got != first {
		t.Errorf("with the store back, Get = %q then %q; want the first cached", first, got)
	}
}

// A stored value that does not decode is a miss, counted.
func TestUndecodable(t *testing.T) {
	store := &failing{Store: cache.NewMemory(0)}
	c := newCache(t, cache.Config{Store: store})
	f := newFunc(t, c, "f", &loader{})
	get(t, f, "a")
	e, _, _ := store.Get(t.Context(), `f:"a"`)
	e.Value = []byte("not JSON")
	store.Set(t.Context(), `f:"a"`, e)
	if got := get(t, f, "a"); got != "a#2" {
		t.Errorf("Get of an undecodable value = %q, want a#2 loaded", got)
	}
	if s := c.Stats(); s.Errors != 1 {
		t.Errorf("Stats.Errors = %d, want 1", s.Errors)
	}
}
