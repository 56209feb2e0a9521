package redisstore_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/formwork-dev/formwork/cache"
)

// A cache on Redis, with redis-server killed mid-test: reads fall through
// to the loader, so the app keeps answering, and count the failures; a
// revalidation is an error its caller sees. Started again, the reads are
// consistent: nothing built before the revalidation is served.
func TestCacheKeepsAnsweringWithRedisDown(t *testing.T) {
	srv := startRedis(t)
	c, err := cache.New(cache.Config{Store: newCache(t, srv, 1<<20), LoadTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	var loads atomic.Int64
	fn, err := cache.NewFunc(c, "answer", cache.ProfileHours, func(ctx context.Context, k string) (int64, error) {
		return loads.Add(1), nil
	}, cache.KeyTags(func(string) []string { return []string{"answers"} }))
	if err != nil {
		t.Fatal(err)
	}
	get := func() (int64, cache.Status) {
		t.Helper()
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		v, st, err := fn.Lookup(ctx, "k")
		if err != nil {
			t.Fatalf("Lookup: %v", err)
		}
		return v, st
	}
	if v, st := get(); v != 1 || st != cache.StatusMiss {
		t.Fatalf("first: %d %v", v, st)
	}
	if v, st := get(); v != 1 || st != cache.StatusHit {
		t.Fatalf("second: %d %v", v, st)
	}

	srv.kill()
	before := c.Stats().Errors
	if v, _ := get(); v != 2 {
		t.Errorf("with Redis down the read gave %d, want a fresh load", v)
	}
	if c.Stats().Errors == before {
		t.Error("the failed read was not counted")
	}
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
	defer cancel()
	if err := c.RevalidateTag(ctx, "answers"); err == nil {
		t.Error("a revalidation with Redis down reported success")
	}

	srv.start()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if err := c.RevalidateTag(t.Context(), "answers"); err == nil {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("revalidate after the restart: %v", err)
		}
	}
	v, st := get()
	if st != cache.StatusMiss || v <= 2 {
		t.Errorf("after the restart and a revalidation: %d %v, want a new load", v, st)
	}
	// The first load that hears of the new run is not kept (its versions
	// may be the old run's); the next is, and is served.
	for range 2 {
		if v, st = get(); st == cache.StatusHit {
			break
		}
	}
	if again, st := get(); st != cache.StatusHit || again != v {
		t.Errorf("then: %d %v, want hits of %d", again, st, v)
	}
}
