package redisstore_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/formwork-dev/formwork/actions"
	"github.com/formwork-dev/formwork/redisstore"
)

// A step of a limiter's script: take, hold (the hold's number), or
// release a hold.
type step struct {
	op    string // "take", "hold", "release", "keep"
	hold  int
	key   string
	limit bool // the step expects a wait
}

// The same calls get the same answers from the memory limiter and the
// Redis one, whose calls alternate between two clients, as two instances'
// would; waits agree within 100 ms.
func TestLimiterLikeMemory(t *testing.T) {
	srv := startRedis(t)
	const n, per = 3, time.Minute
	mem := actions.NewMemoryLimiter(n, per, 0)
	instances := []*redisstore.Limiter{
		redisstore.NewLimiter(srv.client(), n, per, redisstore.Options{Prefix: "test:"}),
		redisstore.NewLimiter(srv.client(), n, per, redisstore.Options{Prefix: "test:"}),
	}
	steps := []step{ // n = 3
		{op: "take", key: "ann"},                       // 2 free
		{op: "hold", hold: 1, key: "ann"},              // 2 free, 1 held
		{op: "hold", hold: 2, key: "ann"},              // 2 free, both held
		{op: "hold", hold: 3, key: "ann", limit: true}, // none free beside the held ones
		{op: "take", key: "ann"},                       // a take does not count held calls: 1 free
		{op: "take", key: "ann"},                       // 0 free
		{op: "take", key: "ann", limit: true},
		{op: "release", hold: 1, key: "ann"},  // given back: it took nothing
		{op: "take", key: "ann", limit: true}, // still 0 free
		{op: "keep", hold: 2, key: "ann"},     // none free to take: takes nothing
		{op: "take", key: "bob"},              // another key has its own allowance: 2 free
		{op: "hold", hold: 4, key: "bob"},
		{op: "hold", hold: 5, key: "bob"},
		{op: "hold", hold: 6, key: "bob", limit: true},
		{op: "keep", hold: 4, key: "bob"},    // taken for good: 1 free, 1 held
		{op: "release", hold: 5, key: "bob"}, // 1 free
		{op: "hold", hold: 7, key: "bob"},
		{op: "keep", hold: 7, key: "bob"}, // 0 free
		{op: "take", key: "bob", limit: true},
		{op: "hold", hold: 8, key: "bob", limit: true},
	}
	memHolds, redisHolds := map[int]func(bool){}, map[int]func(bool){}
	for i, s := range steps {
		name := fmt.Sprintf("step %d (%s %s)", i, s.op, s.key)
		memWait := run(t, name, mem, s, memHolds)
		redisWait := run(t, name, instances[i%2], s, redisHolds)
		if (memWait > 0) != s.limit || (redisWait > 0) != s.limit {
			t.Fatalf("%s: memory waits %v, redis waits %v; want a wait: %v", name, memWait, redisWait, s.limit)
		}
		if d := (memWait - redisWait).Abs(); d > 100*time.Millisecond {
			t.Fatalf("%s: memory waits %v, redis waits %v", name, memWait, redisWait)
		}
	}
}

// run runs s on l, and returns the wait it answered.
func run(t *testing.T, name string, l actions.Limiter, s step, holds map[int]func(bool)) time.Duration {
	t.Helper()
	var wait time.Duration
	var err error
	switch s.op {
	case "take":
		wait, err = l.Take(t.Context(), s.key)
	case "hold":
		var release func(bool)
		release, wait, err = l.Hold(t.Context(), s.key)
		if (release == nil) != (wait > 0) {
			t.Fatalf("%s: Hold returned a release %v with the wait %v", name, release != nil, wait)
		}
		holds[s.hold] = release
	case "release", "keep":
		holds[s.hold](s.op == "keep")
	}
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return wait
}

func TestLimiterRefills(t *testing.T) {
	srv := startRedis(t)
	l := redisstore.NewLimiter(srv.client(), 2, 400*time.Millisecond, redisstore.Options{})
	for range 2 {
		if wait := take(t, l, "k"); wait != 0 {
			t.Fatalf("take from a full bucket: wait %v", wait)
		}
	}
	wait := take(t, l, "k")
	if wait < 100*time.Millisecond || wait > 200*time.Millisecond {
		t.Fatalf("wait for a call after 2 of 2 per 400 ms = %v, want about 200 ms", wait)
	}
	time.Sleep(wait) // Redis's clock: no fake one reaches it
	if wait := take(t, l, "k"); wait != 0 {
		t.Fatalf("take after the wait it was told: wait %v", wait)
	}
	if ttl := srv.do("PTTL", "formwork:limit:2/400ms:b:k").(int64); ttl <= 0 || ttl > 401 {
		t.Fatalf("bucket's PTTL = %d ms, want until it is full again (400 ms at most)", ttl)
	}
}

func TestLimiterReleaseOnce(t *testing.T) {
	srv := startRedis(t)
	l := redisstore.NewLimiter(srv.client(), 2, time.Hour, redisstore.Options{})
	release, _, err := l.Hold(t.Context(), "k")
	mustDo(t, "Hold", err)
	release(true)
	release(true) // takes nothing more
	release(false)
	if wait := take(t, l, "k"); wait != 0 {
		t.Fatalf("the second call of 2: wait %v", wait)
	}
	if wait := take(t, l, "k"); wait == 0 {
		t.Fatal("a third call of 2 passed")
	}
}

func TestLimitersApart(t *testing.T) {
	srv := startRedis(t)
	perMinute := redisstore.NewLimiter(srv.client(), 1, time.Minute, redisstore.Options{})
	perDay := redisstore.NewLimiter(srv.client(), 1, 24*time.Hour, redisstore.Options{})
	take(t, perMinute, "k")
	if wait := take(t, perDay, "k"); wait != 0 {
		t.Fatalf("a limiter of another rate shares the allowance: wait %v", wait)
	}
}

func TestLimiterServerDown(t *testing.T) {
	srv := startRedis(t)
	l := redisstore.NewLimiter(srv.client(), 1, time.Minute, redisstore.Options{})
	srv.kill()
	failsFast(t, "Take", func() error { _, err := l.Take(withTimeout(t, 2*time.Second), "k"); return err })
	failsFast(t, "Hold", func() error { _, _, err := l.Hold(withTimeout(t, 2*time.Second), "k"); return err })
}

// take takes a call under key from l, and returns the wait.
func take(t *testing.T, l *redisstore.Limiter, key string) time.Duration {
	t.Helper()
	wait, err := l.Take(t.Context(), key)
	mustDo(t, "Take", err)
	return wait
}
