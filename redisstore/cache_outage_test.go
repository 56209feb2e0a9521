package redisstore_test

import (
	"testing"
	"time"

	"github.com/formwork-dev/formwork/redisstore"
)

// Redis is killed mid-test: every operation fails, none hangs; started
// again on the same port, empty (every version back at 0), nothing built
// before is served, whatever the versions reach again.
func TestCacheServerKilled(t *testing.T) {
	srv := startRedis(t)
	a := newCache(t, srv, 1<<20)
	b, heard := watchedCache(t, srv)
	for range 2 {
		mustDo(t, "A.Bump", a.Bump(t.Context(), []string{"t"}))
	}
	mustDo(t, "A.Set", a.Set(t.Context(), "k", entry("before the restart", []string{"t"}, mustVersions(t, a, "t"))))
	mustGet(t, b, "k") // B's near-cache holds it, stamped [2]
	inflight := entry("loaded across the restart", []string{"t"}, mustVersions(t, a, "t"))
	inflight2 := entry("loaded across the restart too", []string{"t"}, mustVersions(t, a, "t"))

	srv.kill()
	failsFast(t, "A.Get", func() error { _, _, err := a.Get(withTimeout(t, 2*time.Second), "k"); return err })
	failsFast(t, "B.Get", func() error { _, _, err := b.Get(withTimeout(t, 2*time.Second), "k"); return err })
	failsFast(t, "A.Set", func() error { return a.Set(withTimeout(t, 2*time.Second), "k", inflight) })
	failsFast(t, "A.Versions", func() error { _, err := a.Versions(withTimeout(t, 2*time.Second), []string{"t"}); return err })
	failsFast(t, "A.Bump", func() error { return a.Bump(withTimeout(t, 2*time.Second), []string{"t"}) })

	srv.start()
	if got := mustVersions(t, b, "t"); got[0] != 0 {
		t.Fatalf("version after a restart without persistence = %d, want 0", got[0])
	}
	for range 2 { // the versions reach what the entries were stamped with
		mustDo(t, "A.Bump", a.Bump(t.Context(), []string{"t"}))
	}
	if _, ok := mustGet(t, b, "k"); ok {
		t.Fatal("B.Get after the restart served an entry from before it")
	}
	mustDo(t, "A.Set", a.Set(t.Context(), "inflight", inflight))
	mustDo(t, "A.Set", a.Set(t.Context(), "inflight2", inflight2))
	for _, key := range []string{"inflight", "inflight2"} {
		if _, ok := mustGet(t, b, key); ok {
			t.Fatalf("%s: an entry whose versions were read before the restart was stored after it", key)
		}
	}
	heard.subscribed(t)
	mustDo(t, "A.Set", a.Set(t.Context(), "k", entry("after the restart", []string{"t"}, mustVersions(t, a, "t"))))
	if e, ok := mustGet(t, b, "k"); !ok || string(e.Value) != "after the restart" {
		t.Fatalf("B.Get of a new entry after the restart = %q, %v", e.Value, ok)
	}
}

// Redis stops answering, its connections open: operations fail at their
// context's deadline, and Close does not wait for the subscription.
func TestCacheServerPaused(t *testing.T) {
	srv := startRedis(t)
	c, _ := watchedCache(t, srv)
	srv.pause()
	deadline := 300 * time.Millisecond
	failsFast(t, "Get", func() error { _, _, err := c.Get(withTimeout(t, deadline), "k"); return err })
	failsFast(t, "Bump", func() error { return c.Bump(withTimeout(t, deadline), []string{"t"}) })
	start := time.Now()
	c.Close()
	if took := time.Since(start); took > time.Second {
		t.Fatalf("Close took %v while Redis was paused", took)
	}
	srv.resume()
}

// failsFast runs op, which must fail within 2 s.
func failsFast(t *testing.T, what string, op func() error) {
	t.Helper()
	start := time.Now()
	err := op()
	took := time.Since(start)
	if err == nil {
		t.Fatalf("%s with Redis down: no error", what)
	}
	if took > 2*time.Second+100*time.Millisecond {
		t.Fatalf("%s with Redis down took %v", what, took)
	}
	t.Logf("%s with Redis down: %v after %v", what, err, took.Round(time.Millisecond))
}

var _ = redisstore.NearHolds
