package redisstore_test

import (
	"testing"
	"time"

	"github.com/formwork-dev/formwork/redisstore"
)

// hints receives what a watched cache's subscription hears: the tags of a
// hint, or nil for a (re)subscription.
type hints chan []string

// watchedCache returns a cache in srv with a near-cache, whose hints go
// to the returned channel, once it has subscribed.
func watchedCache(t testing.TB, srv *redisServer) (*redisstore.Cache, hints) {
	t.Helper()
	heard := make(hints, 1024)
	c := redisstore.NewCacheWatched(srv.client(), redisstore.Options{Prefix: "test:", NearCacheBytes: 1 << 20},
		func(tags []string) { heard <- tags })
	t.Cleanup(func() { c.Close() })
	heard.subscribed(t)
	return c, heard
}

// subscribed waits for a (re)subscription.
func (h hints) subscribed(t testing.TB) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case tags := <-h:
			if tags == nil {
				return
			}
		case <-deadline:
			t.Fatal("no subscription to bump hints within 10 s")
		}
	}
}

// hint waits for a hint naming tag.
func (h hints) hint(t testing.TB, tag string) {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case tags := <-h:
			for _, got := range tags {
				if got == tag {
					return
				}
			}
		case <-deadline:
			t.Fatalf("no hint for tag %q within 5 s", tag)
		}
	}
}

func TestCacheTwoInstances(t *testing.T) {
	srv := startRedis(t)
	a := newCache(t, srv, 1<<20)
	b, heard := watchedCache(t, srv)
	mustDo(t, "A.Set", a.Set(t.Context(), "invoice 1", entry("v1", []string{"invoice:1"}, mustVersions(t, a, "invoice:1"))))
	if e, ok := mustGet(t, b, "invoice 1"); !ok || string(e.Value) != "v1" {
		t.Fatalf("B.Get of A's entry = %q, %v", e.Value, ok)
	}
	if !redisstore.NearHolds(b, "invoice 1") {
		t.Fatal("B's near-cache does not hold what B read")
	}

	mustDo(t, "A.Bump", a.Bump(t.Context(), []string{"invoice:1"}))
	if _, ok := mustGet(t, b, "invoice 1"); ok {
		t.Fatal("B.Get right after A.Bump returned: ok")
	}
	heard.hint(t, "invoice:1")

	mustDo(t, "A.Set", a.Set(t.Context(), "invoice 1", entry("v2", []string{"invoice:1"}, mustVersions(t, a, "invoice:1"))))
	if e, ok := mustGet(t, b, "invoice 1"); !ok || string(e.Value) != "v2" {
		t.Fatalf("B.Get of A's new entry = %q, %v", e.Value, ok)
	}
}

func TestCacheHintDropsNearEntries(t *testing.T) {
	srv := startRedis(t)
	a := newCache(t, srv, 0)
	b, heard := watchedCache(t, srv)
	for _, key := range []string{"one", "two"} {
		mustDo(t, "A.Set", a.Set(t.Context(), key, entry(key, []string{"tag " + key}, []uint64{0})))
		mustGet(t, b, key)
	}
	mustDo(t, "A.Bump", a.Bump(t.Context(), []string{"tag one"}))
	heard.hint(t, "tag one")
	if redisstore.NearHolds(b, "one") {
		t.Error("B's near-cache holds an entry of the bumped tag after the hint")
	}
	if !redisstore.NearHolds(b, "two") {
		t.Error("the hint dropped an entry of another tag")
	}
}

// Hints are lost: a cache that never hears one still serves nothing that
// a bump made stale, nor an older entry than Redis has.
func TestCacheWithoutHints(t *testing.T) {
	srv := startRedis(t)
	a := newCache(t, srv, 0)
	b := redisstore.NewCacheDeaf(srv.client(), redisstore.Options{Prefix: "test:", NearCacheBytes: 1 << 20})
	for i, value := range []string{"v1", "v2", "v3"} {
		mustDo(t, "A.Set", a.Set(t.Context(), "k", entry(value, []string{"t"}, mustVersions(t, a, "t"))))
		for range 2 {
			if e, ok := mustGet(t, b, "k"); !ok || string(e.Value) != value {
				t.Fatalf("round %d: B.Get = %q, %v; want %q", i, e.Value, ok, value)
			}
		}
		mustDo(t, "A.Bump", a.Bump(t.Context(), []string{"t"}))
		if _, ok := mustGet(t, b, "k"); ok {
			t.Fatalf("round %d: B.Get after a bump it never heard of: ok", i)
		}
	}
	mustDo(t, "A.Set", a.Set(t.Context(), "same versions", entry("first", nil, nil)))
	mustGet(t, b, "same versions")
	mustDo(t, "A.Set", a.Set(t.Context(), "same versions", entry("second", nil, nil)))
	if e, _ := mustGet(t, b, "same versions"); string(e.Value) != "second" {
		t.Fatalf("B.Get after A replaced an entry = %q, want the new one", e.Value)
	}
}

// B's subscription is cut: the hint of A's bump may be lost, and B still
// never serves the stale entry; B's near-cache is flushed once it has
// subscribed again.
func TestCacheSubscriberCutOff(t *testing.T) {
	srv := startRedis(t)
	a := newCache(t, srv, 0)
	b, heard := watchedCache(t, srv)
	for _, key := range []string{"bumped", "untouched"} {
		mustDo(t, "A.Set", a.Set(t.Context(), key, entry(key, []string{"tag " + key}, []uint64{0})))
		mustGet(t, b, key)
	}
	srv.do("CLIENT", "KILL", "TYPE", "pubsub")
	mustDo(t, "A.Bump", a.Bump(t.Context(), []string{"tag bumped"}))
	if _, ok := mustGet(t, b, "bumped"); ok {
		t.Fatal("B.Get after a bump whose hint B's subscription may have missed: ok")
	}
	heard.subscribed(t)
	if redisstore.NearHolds(b, "untouched") {
		t.Fatal("B's near-cache was not flushed when it subscribed again")
	}
	if e, ok := mustGet(t, b, "untouched"); !ok || string(e.Value) != "untouched" {
		t.Fatalf("B.Get from Redis after the flush = %q, %v", e.Value, ok)
	}
}
