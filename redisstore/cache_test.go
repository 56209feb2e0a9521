package redisstore_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/formwork-dev/formwork/cache"
	"github.com/formwork-dev/formwork/redisstore"
)

// nearCaches are the two ways a cache runs: every read sends the value,
// or a near-cache keeps it.
var nearCaches = []struct {
	name  string
	bytes int64
}{
	{"no near-cache", 0},
	{"near-cache", 1 << 20},
}

// entry returns an entry of value tagged with tags at versions, fresh for
// a minute, kept for an hour.
func entry(value string, tags []string, versions []uint64) cache.Entry {
	now := time.Now()
	return cache.Entry{Value: []byte(value), Tags: tags, Versions: versions,
		Created: now, Revalidate: now.Add(time.Minute), Expires: now.Add(time.Hour)}
}

// newCache returns a cache in srv with a near-cache of nearBytes, closed
// at the end of the test; a near-cache's subscription has begun (its
// first flush is behind it).
func newCache(t testing.TB, srv *redisServer, nearBytes int64) *redisstore.Cache {
	t.Helper()
	opts := redisstore.Options{Prefix: "test:", NearCacheBytes: nearBytes}
	if nearBytes == 0 {
		return redisstore.NewCache(srv.client(), opts)
	}
	subscribed := make(chan struct{}, 1)
	c := redisstore.NewCacheWatched(srv.client(), opts, func(tags []string) {
		if tags == nil {
			select {
			case subscribed <- struct{}{}:
			default:
			}
		}
	})
	t.Cleanup(func() { c.Close() })
	select {
	case <-subscribed:
	case <-time.After(10 * time.Second):
		t.Fatal("no subscription to bump hints within 10 s")
	}
	return c
}

// mustGet returns the entry at key, and whether there is one.
func mustGet(t testing.TB, c *redisstore.Cache, key string) (cache.Entry, bool) {
	t.Helper()
	e, ok, err := c.Get(t.Context(), key)
	if err != nil {
		t.Fatalf("Get(%q): %v", key, err)
	}
	return e, ok
}

// mustVersions returns the versions of tags.
func mustVersions(t testing.TB, c *redisstore.Cache, tags ...string) []uint64 {
	t.Helper()
	v, err := c.Versions(t.Context(), tags)
	if err != nil {
		t.Fatalf("Versions(%q): %v", tags, err)
	}
	return v
}

// mustDo runs err's operation, and fails the test when it failed.
func mustDo(t testing.TB, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func TestCacheSetGet(t *testing.T) {
	srv := startRedis(t)
	for _, nc := range nearCaches {
		t.Run(nc.name, func(t *testing.T) {
			c := newCache(t, srv, nc.bytes)
			key := "set-get " + nc.name
			if _, ok := mustGet(t, c, key); ok {
				t.Fatal("Get of a key never set: ok")
			}
			want := entry("<p>invoices</p>", []string{"invoices", "path:/invoices"}, mustVersions(t, c, "invoices", "path:/invoices"))
			mustDo(t, "Set", c.Set(t.Context(), key, want))
			for range 2 { // from Redis, then (with a near-cache) from it
				got, ok := mustGet(t, c, key)
				if !ok {
					t.Fatal("Get after Set: not ok")
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Fatalf("Get after Set (-want +got):\n%s", diff)
				}
			}
		})
	}
}

func TestCacheEntryWithoutTagsOrTimes(t *testing.T) {
	srv := startRedis(t)
	c := newCache(t, srv, 1<<20)
	want := cache.Entry{Value: []byte("bare")}
	mustDo(t, "Set", c.Set(t.Context(), "bare", want))
	got, ok := mustGet(t, c, "bare")
	if !ok || !cmp.Equal(want, got) {
		t.Fatalf("Get = %+v, %v; want %+v", got, ok, want)
	}
	if ttl := srv.do("PTTL", "test:e:bare"); ttl != int64(-1) {
		t.Fatalf("PTTL of an entry without Expires = %v, want -1 (none)", ttl)
	}
}

func TestCacheVersions(t *testing.T) {
	srv := startRedis(t)
	c := newCache(t, srv, 0)
	if got := mustVersions(t, c, "a", "b"); !cmp.Equal(got, []uint64{0, 0}) {
		t.Fatalf("versions of tags never bumped = %v, want [0 0]", got)
	}
	mustDo(t, "Bump", c.Bump(t.Context(), []string{"a"}))
	mustDo(t, "Bump", c.Bump(t.Context(), []string{"a", "b"}))
	if got := mustVersions(t, c, "b", "a", "c"); !cmp.Equal(got, []uint64{1, 2, 0}) {
		t.Fatalf("versions after bumps = %v, want [1 2 0]", got)
	}
	if got := mustVersions(t, c); len(got) != 0 {
		t.Fatalf("versions of no tags = %v", got)
	}
	mustDo(t, "Bump of no tags", c.Bump(t.Context(), nil))
}

func TestCacheExpiry(t *testing.T) {
	srv := startRedis(t)
	for _, nc := range nearCaches {
		t.Run(nc.name, func(t *testing.T) {
			c := newCache(t, srv, nc.bytes)
			e := entry("soon gone", nil, nil)
			e.Expires = time.Now().Add(300 * time.Millisecond)
			key := "expiry " + nc.name
			mustDo(t, "Set", c.Set(t.Context(), key, e))
			if at := srv.do("PEXPIRETIME", "test:e:"+key); at != (e.Expires.UnixMicro()+999)/1000 {
				t.Errorf("PEXPIRETIME = %v, want %d (Expires)", at, e.Expires.UnixMilli())
			}
			if _, ok := mustGet(t, c, key); !ok {
				t.Fatal("Get before Expires: not ok")
			}
			time.Sleep(time.Until(e.Expires)) // Redis's clock: no fake one reaches it
			if _, ok := mustGet(t, c, key); ok {
				t.Fatal("Get after Expires: ok")
			}
			past := entry("already gone", nil, nil)
			past.Expires = time.Now().Add(-time.Second)
			mustDo(t, "Set", c.Set(t.Context(), "past "+nc.name, past))
			if _, ok := mustGet(t, c, "past "+nc.name); ok {
				t.Fatal("Get of an entry set after its Expires: ok")
			}
		})
	}
}

func TestCacheBumpMakesStale(t *testing.T) {
	srv := startRedis(t)
	for _, nc := range nearCaches {
		t.Run(nc.name, func(t *testing.T) {
			c := newCache(t, srv, nc.bytes)
			tag := "bump " + nc.name
			key := "tagged " + nc.name
			mustDo(t, "Set", c.Set(t.Context(), key, entry("v1", []string{"other", tag}, mustVersions(t, c, "other", tag))))
			if _, ok := mustGet(t, c, key); !ok {
				t.Fatal("Get before Bump: not ok")
			}
			mustDo(t, "Bump", c.Bump(t.Context(), []string{tag}))
			if _, ok := mustGet(t, c, key); ok {
				t.Fatal("Get after Bump: ok")
			}
			if n := srv.do("EXISTS", "test:e:"+key); n != int64(0) {
				t.Fatal("a stale entry stays in Redis after a Get found it stale")
			}
			if redisstore.NearHolds(c, key) {
				t.Fatal("the near-cache holds a stale entry")
			}
		})
	}
}

func TestCacheSetBehindIsRefused(t *testing.T) {
	srv := startRedis(t)
	for _, nc := range nearCaches {
		t.Run(nc.name, func(t *testing.T) {
			c := newCache(t, srv, nc.bytes)
			tag, key := "behind "+nc.name, "behind "+nc.name
			versions := mustVersions(t, c, tag) // the load begins
			mustDo(t, "Bump", c.Bump(t.Context(), []string{tag}))
			mustDo(t, "Set", c.Set(t.Context(), key, entry("built before the bump", []string{tag}, versions)))
			if _, ok := mustGet(t, c, key); ok {
				t.Fatal("Get of an entry whose versions were behind at Set: ok")
			}
			if n := srv.do("EXISTS", "test:e:"+key); n != int64(0) {
				t.Fatal("Redis kept an entry whose versions were behind")
			}
			ahead := entry("from nowhere", []string{tag}, []uint64{versions[0] + 5})
			mustDo(t, "Set", c.Set(t.Context(), key, ahead))
			if _, ok := mustGet(t, c, key); ok {
				t.Fatal("Get of an entry whose versions were ahead at Set: ok")
			}
		})
	}
}

func TestCacheSetRefusesMismatchedVersions(t *testing.T) {
	srv := startRedis(t)
	c := newCache(t, srv, 0)
	err := c.Set(t.Context(), "k", entry("x", []string{"a", "b"}, []uint64{0}))
	if err == nil || !strings.Contains(err.Error(), "1 versions for 2 tags") {
		t.Fatalf("Set with one version for two tags: %v", err)
	}
}

func TestCachePrefixesAreApart(t *testing.T) {
	srv := startRedis(t)
	rdb := srv.client()
	app1 := redisstore.NewCache(rdb, redisstore.Options{Prefix: "app1:"})
	app2 := redisstore.NewCache(rdb, redisstore.Options{}) // "formwork:"
	mustDo(t, "Set", app1.Set(t.Context(), "home", entry("app1's", []string{"t"}, []uint64{0})))
	if _, ok := mustGet(t, app2, "home"); ok {
		t.Fatal("another prefix's entry is seen")
	}
	mustDo(t, "Bump", app2.Bump(t.Context(), []string{"t"}))
	if _, ok := mustGet(t, app1, "home"); !ok {
		t.Fatal("another prefix's bump made an entry stale")
	}
	keys := srv.do("KEYS", "*").([]any)
	for _, k := range keys {
		if k := k.(string); !strings.HasPrefix(k, "app1:") && !strings.HasPrefix(k, "formwork:") {
			t.Errorf("key %q has neither prefix", k)
		}
	}
}

func TestCacheErrorsAreReturned(t *testing.T) {
	srv := startRedis(t)
	c := newCache(t, srv, 1<<20)
	srv.do("SET", "test:t:wrong", "not a number")
	if err := c.Bump(t.Context(), []string{"wrong"}); err == nil {
		t.Error("Bump of a tag whose version is not a number: no error")
	}
	if _, err := c.Versions(t.Context(), []string{"wrong"}); err == nil {
		t.Error("Versions of a tag whose version is not a number: no error")
	}
	srv.do("SET", "test:e:wrong", "not a hash")
	if _, _, err := c.Get(t.Context(), "wrong"); err == nil {
		t.Error("Get of a key that holds no entry: no error")
	}
}

func TestCacheNearHitSendsNoValue(t *testing.T) {
	srv := startRedis(t)
	value := strings.Repeat("x", 64<<10)
	for _, tc := range []struct {
		name      string
		nearBytes int64
		atMost    int64 // bytes Redis sends for 10 hits, and an INFO reply
		atLeast   int64
	}{
		{"no near-cache", 0, 1 << 30, 10 * int64(len(value))},
		{"near-cache", 1 << 20, 8 << 10, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCache(t, srv, tc.nearBytes)
			key := "big " + tc.name
			mustDo(t, "Set", c.Set(t.Context(), key, entry(value, []string{"big"}, mustVersions(t, c, "big"))))
			before := sentBytes(t, srv)
			for range 10 {
				if e, ok := mustGet(t, c, key); !ok || len(e.Value) != len(value) {
					t.Fatalf("Get: %d bytes, %v", len(e.Value), ok)
				}
			}
			sent := sentBytes(t, srv) - before
			if sent > tc.atMost || sent < tc.atLeast {
				t.Fatalf("Redis sent %d bytes for 10 hits of a %d-byte value; want %d to %d", sent, len(value), tc.atLeast, tc.atMost)
			}
		})
	}
}

// sentBytes is what srv has sent its clients so far.
func sentBytes(t testing.TB, srv *redisServer) int64 {
	info := srv.do("INFO", "stats").(string)
	for line := range strings.Lines(info) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "total_net_output_bytes:"); ok {
			var n int64
			for _, d := range v {
				n = n*10 + int64(d-'0')
			}
			return n
		}
	}
	t.Fatal("INFO stats has no total_net_output_bytes")
	return 0
}

// withTimeout returns a context that ends after d, or with the test.
func withTimeout(t testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), d)
	t.Cleanup(cancel)
	return ctx
}

func TestNearCacheIsBounded(t *testing.T) {
	srv := startRedis(t)
	c := newCache(t, srv, 16<<10)
	value := strings.Repeat("x", 1<<10)
	for i := range 40 {
		mustDo(t, "Set", c.Set(t.Context(), fmt.Sprint("k", i), entry(value, []string{"t"}, []uint64{0})))
	}
	if redisstore.NearHolds(c, "k0") || !redisstore.NearHolds(c, "k39") {
		t.Fatal("the near-cache did not drop the least recently used entries")
	}
	held := 0
	for i := range 40 {
		if redisstore.NearHolds(c, fmt.Sprint("k", i)) {
			held++
		}
	}
	if held < 8 || held > 15 {
		t.Fatalf("a near-cache of 16 KB holds %d entries of 1 KB", held)
	}
	mustGet(t, c, "k0") // used now: kept
	mustDo(t, "Set", c.Set(t.Context(), "big", entry(strings.Repeat("x", 8<<10), nil, nil)))
	if redisstore.NearHolds(c, "big") || !redisstore.NearHolds(c, "k0") {
		t.Fatal("an entry of half the bound displaced the others")
	}
	if e, ok := mustGet(t, c, "big"); !ok || len(e.Value) != 8<<10 {
		t.Fatal("an entry too big for the near-cache is not read from Redis")
	}
}

func TestCacheMalformedEntry(t *testing.T) {
	srv := startRedis(t)
	c := newCache(t, srv, 0)
	srv.do("HSET", "test:e:bad", "i", "id", "c", "\x90", "m", "\x07garbage", "v", "value")
	if _, ok, err := c.Get(t.Context(), "bad"); err == nil || ok {
		t.Fatalf("Get of an entry with malformed meta = %v, %v; want an error", ok, err)
	}
}
